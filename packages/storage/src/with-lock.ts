import { StorageError } from './errors.js';
import type { TokenStore } from './types.js';

export interface WithLockOptions {
  /** How long the lock is held at most; pick more than `fn` can take. */
  readonly ttlMs: number;
  /** How long to keep trying to take the lock before failing with a `lock_timeout` StorageError. */
  readonly waitMs: number;
  /** Pause between tries, in ms. Default 50. */
  readonly pollMs?: number;
  /** Cancels the wait (not `fn`). */
  readonly signal?: AbortSignal;
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `fn` while holding the store's lock `key`: polls `tryLock` every `pollMs` for up to
 * `waitMs`, runs `fn`, and always releases the lock (compare-and-delete, so a lock that expired and
 * went to someone else is left alone). Use a `ttlMs` longer than `fn` can run.
 */
export async function withLock<T>(
  store: TokenStore,
  key: string,
  options: WithLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const pollMs = options.pollMs ?? 50;
  const deadline = Date.now() + options.waitMs;
  let owner = await store.tryLock(key, { ttlMs: options.ttlMs });
  while (owner === undefined) {
    if (Date.now() >= deadline) {
      throw new StorageError(
        store.name,
        'lock_timeout',
        `the lock was held by someone else for ${options.waitMs} ms`,
      );
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal);
    owner = await store.tryLock(key, { ttlMs: options.ttlMs });
  }
  try {
    return await fn();
  } finally {
    await store.unlock(key, owner);
  }
}
