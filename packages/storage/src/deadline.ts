/**
 * Deadlines for store calls: a call of a store that talks to a backend settles within the store's
 * `timeoutMs`, whatever the backend does (a stopped Redis, a table lock held by someone else, a
 * file system that stopped answering). Stores also set their backend's own timeouts where they
 * own the connection (ioredis' `commandTimeout`, PostgreSQL's `statement_timeout`); this race is
 * the bound that holds for injected clients too, and for what those timeouts do not cover (a
 * pool's wait for a free connection, a reconnect in progress). Exported for store authors.
 */
import { StorageError } from './errors.js';

/** The default `timeoutMs` of the Redis, PostgreSQL and file stores: 5 s. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Reads a store's timeout option: a positive number of ms, `fallback` when absent. */
export function timeoutOption(
  store: string,
  value: unknown,
  option = 'timeoutMs',
  fallback = DEFAULT_TIMEOUT_MS,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new StorageError(
      store,
      'invalid_argument',
      `${option} must be a positive number of ms, at most ${MAX_TIMER_MS}`,
    );
  }
  return value;
}

/** The error of a call that ran out of time. `doing` is fixed text ("reading an entry"), never data. */
export function timeoutError(
  store: string,
  doing: string,
  timeoutMs: number,
  options: { cause?: unknown } = {},
): StorageError {
  return new StorageError(
    store,
    'timeout',
    `${doing} did not finish within ${timeoutMs} ms (the outcome of a write is unknown: read again)`,
    options,
  );
}

/**
 * Settles as `work` does, or rejects with `onTimeout()` once `timeoutMs` have passed, whichever
 * comes first. `work` cannot be cancelled (it is a promise); its late result is dropped and its
 * late rejection is handled, so neither surfaces as an unhandled rejection.
 */
export function settleWithin<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => unknown,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
