import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beijingTime } from '../../src/domain/time.ts';

// Output times are `YYYY-MM-DD HH:MM:SS` in Beijing time (UTC+8, no daylight saving).

describe('beijingTime', () => {
  it('is UTC+8', () => {
    assert.equal(beijingTime(0), '1970-01-01 08:00:00');
    assert.equal(beijingTime(Date.UTC(2017, 9, 10, 14, 23, 9)), '2017-10-10 22:23:09');
  });

  it('rolls over the day, month and year at 16:00 UTC', () => {
    assert.equal(beijingTime(Date.UTC(2026, 11, 31, 15, 59, 59)), '2026-12-31 23:59:59');
    assert.equal(beijingTime(Date.UTC(2026, 11, 31, 16, 0, 0)), '2027-01-01 00:00:00');
    assert.equal(beijingTime(Date.UTC(2024, 1, 28, 16, 0, 0)), '2024-02-29 00:00:00');
  });

  it('truncates milliseconds rather than rounding', () => {
    assert.equal(beijingTime(Date.UTC(2026, 0, 1, 0, 0, 0) + 999), '2026-01-01 08:00:00');
  });

  it('has no daylight saving: the same offset in January and July', () => {
    assert.equal(beijingTime(Date.UTC(2026, 0, 15, 4, 0, 0)), '2026-01-15 12:00:00');
    assert.equal(beijingTime(Date.UTC(2026, 6, 15, 4, 0, 0)), '2026-07-15 12:00:00');
  });

  it('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      assert.equal(beijingTime(Date.UTC(2026, 6, 15, 4, 0, 0)), '2026-07-15 12:00:00');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('always has the documented shape', () => {
    for (const ms of [0, 1e12, 1.8e12, 4e12]) {
      assert.match(beijingTime(ms), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
  });
});
