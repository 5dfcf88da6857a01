import type { ApiVersion, FaultCatalog } from '../control/faults.ts';
import type { Catalogue } from '../domain/regions.ts';
import { TASKS } from '../tasks/registry.ts';
import { ALL_CODE_DESCS } from './v2/errors.ts';
import { ACTIONS_BY_NAME } from './v2/registry.ts';
import { COMMON_CODES } from './v3/errors.ts';
import { ACTIONS_V3 } from './v3/registry.ts';

// What fault rules are checked against: the actions each front door serves and the error codes
// each action can answer, so that an injected error is one a client of the real service could
// meet (docs/test-control.md, "Faults").

/**
 * What the real 3.0 platform can answer any call, beyond what vpc-eni itself produces: rate limits
 * and the platform's own failures. These are exactly the answers a test of a client wants to see.
 */
const PLATFORM_CODES = [
  'RequestLimitExceeded',
  'RequestLimitExceeded.UinLimitExceeded',
  'RequestLimitExceeded.IPLimitExceeded',
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
  'ServiceUnavailable',
  'FailedOperation',
  'ResourceUnavailable',
  'UnauthorizedOperation',
  'AuthFailure.UnauthorizedOperation',
  'AuthFailure.TokenFailure',
  'ActionOffline',
];

export function faultCatalog(catalogue: Catalogue): FaultCatalog {
  const v2 = [...ACTIONS_BY_NAME.keys()];
  const v3 = [...new Set(ACTIONS_V3.map((a) => a.name))];
  const v3Codes = new Map<string, Set<string>>();
  for (const a of ACTIONS_V3) {
    const codes = v3Codes.get(a.name) ?? new Set([...COMMON_CODES, ...PLATFORM_CODES]);
    for (const c of a.codes ?? []) codes.add(c);
    v3Codes.set(a.name, codes);
  }
  const v2Codes = new Set<string>(ALL_CODE_DESCS);
  return {
    actions: (v: ApiVersion) => (v === 'v2' ? v2 : v3),
    taskTypes: () => Object.keys(TASKS),
    allows: (v, action, code) => (v === 'v2' ? v2Codes.has(code) : (v3Codes.get(action)?.has(code) ?? false)),
    region: (name) => catalogue.region(name)?.name,
  };
}
