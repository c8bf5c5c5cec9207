/** How many used refresh tokens a session remembers (newest kept). */
export const MAX_USED_REFRESH_TOKENS = 16;

/** hh.ru issues a new application token at most once per 5 minutes (PROTOCOL: client credentials). */
export const APP_TOKEN_COOLDOWN_MS = 5 * 60 * 1000;

/** The states both machines pass through while an effect runs; every other state is settled. */
const IN_FLIGHT: ReadonlySet<string> = new Set([
  'restore',
  'exchanging',
  'spending',
  'refreshing',
  'storing',
  'revoking',
  'marking',
  'requesting',
]);

/** Whether a machine snapshot is settled: no effect running, waiting for the next event. */
export function isSettled(snapshot: { readonly value: unknown }): boolean {
  return !IN_FLIGHT.has(snapshot.value as string);
}
