/** `YYYY-MM-DD HH:MM:SS` in Beijing time (UTC+8, no daylight saving), as the real service prints. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
