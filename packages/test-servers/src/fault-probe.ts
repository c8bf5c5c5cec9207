/**
 * What a store's fault test needs around a stopped or locked backend: the calls an hh-oauth client
 * makes, how each settled and how long it took, and whether an error leaks the probe's secret.
 */
import type { StorageError, TokenStore } from '@hh-oauth/storage';

/** A value the probe writes (it stands for a token) and a key (it carries a session id). */
export const PROBE_SECRET = 'refresh-token-SECRET-value';
export const PROBE_KEY = 'session:SECRET-session-id';

export interface Settled {
  readonly error: StorageError | undefined;
  readonly ms: number;
}

/** Runs `call` and says how it settled and how long it took. */
export async function settle(call: () => Promise<unknown>): Promise<Settled> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason as StorageError,
  );
  return { error, ms: Date.now() - started };
}

/** Whether an error's JSON, message or cause shows the probe's value or its key's session id. */
export function leaksProbeSecret(error: unknown): boolean {
  const seen = `${JSON.stringify(error)} ${(error as Error).message} ${String((error as Error).cause)}`;
  return seen.includes(PROBE_SECRET) || seen.includes('SECRET-session-id');
}

/** The calls an hh-oauth client makes, on `store`; `owner` holds the lock `held`. */
export const clientCalls = (store: TokenStore, owner: string): (() => Promise<unknown>)[] => [
  () => store.get(PROBE_KEY),
  () => store.set(PROBE_KEY, PROBE_SECRET, { expectedVersion: 0 }),
  () => store.tryLock(`refresh:${PROBE_KEY}`, { ttlMs: 60_000 }),
  () => store.extendLock('held', owner, { ttlMs: 60_000 }),
  () => store.take(`pending:${PROBE_KEY}`),
];
