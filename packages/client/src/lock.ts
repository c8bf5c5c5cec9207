import { TransportError } from '@hh-oauth/core';
import type { TokenStore } from '@hh-oauth/storage';

export interface LockSettings {
  /** How long a holder keeps the lock if it dies before releasing it. Default 30 s. */
  readonly ttlMs: number;
  /** How long a caller waits for another holder before giving up. Default 35 s. */
  readonly waitMs: number;
  /** How often a waiter looks again. Default 25 ms. */
  readonly pollMs: number;
}

export const DEFAULT_LOCK: LockSettings = { ttlMs: 30_000, waitMs: 35_000, pollMs: 25 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding the store's lock `key`. While another process holds it, calls
 * `whileWaiting` after each poll: a non-undefined answer (e.g. the winner's fresh token) ends the
 * wait without taking the lock. The lock is released only if this caller still owns it.
 */
export async function underLock<T>(
  store: TokenStore,
  key: string,
  settings: LockSettings,
  work: () => Promise<T>,
  whileWaiting: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + settings.waitMs;
  for (;;) {
    const owner = await store.tryLock(key, { ttlMs: settings.ttlMs });
    if (owner !== undefined) {
      try {
        return await work();
      } finally {
        await store.unlock(key, owner).catch(() => false);
      }
    }
    if (Date.now() >= deadline) {
      throw new TransportError(
        'timeout',
        'gave up waiting for another process to finish refreshing',
        {
          retryAt: Date.now() + settings.pollMs,
        },
      );
    }
    // Jitter keeps a crowd of waiters from polling in lockstep.
    await sleep(settings.pollMs * (0.5 + Math.random()));
    const settled = await whileWaiting();
    if (settled !== undefined) return settled;
  }
}

/** One promise per key inside this process: concurrent callers share the first one's work. */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const promise = work().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }
}
