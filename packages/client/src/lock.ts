import { TransportError } from '@hh-oauth/core';
import type { TokenStore } from '@hh-oauth/storage';

export interface LockSettings {
  /**
   * How long the lock outlives a holder that stops renewing it (a crashed or paused process).
   * A live holder renews it every `ttlMs / 3`, so any value is safe. Default 30 s.
   */
  readonly ttlMs: number;
  /** How long a caller waits for another holder before giving up. Default 35 s. */
  readonly waitMs: number;
  /** How often a waiter looks again. Default 25 ms. */
  readonly pollMs: number;
}

export const DEFAULT_LOCK: LockSettings = { ttlMs: 30_000, waitMs: 35_000, pollMs: 25 };

/** What the work learns about the lock it runs under. */
export interface Lease {
  /** The lock could not be renewed: another process may hold it now. */
  readonly lost: boolean;
}

export type LockOutcome = 'acquired' | 'settled' | 'timeout' | 'lost';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Renews the lock while `work` runs, so that it protects a live holder however long hh.ru takes
 * to answer; stops (and marks the lease lost) as soon as a renewal is refused.
 */
function keepAlive(store: TokenStore, key: string, owner: string, ttlMs: number) {
  const lease = { lost: false };
  let renewing = false;
  const timer = setInterval(
    () => {
      if (renewing || lease.lost) return;
      renewing = true;
      store.extendLock(key, owner, { ttlMs }).then(
        (held) => {
          renewing = false;
          if (!held) {
            lease.lost = true;
            clearInterval(timer);
          }
        },
        () => {
          // A store blip: the next tick tries again, well before the TTL runs out.
          renewing = false;
        },
      );
    },
    Math.max(5, Math.floor(ttlMs / 3)),
  );
  (timer as { unref?: () => void }).unref?.();
  return { lease: lease as Lease, stop: () => clearInterval(timer) };
}

/**
 * Runs `work` while holding the store's lock `key`, renewing it meanwhile. While another process
 * holds it, calls `whileWaiting` after each poll: a non-undefined answer (e.g. the winner's fresh
 * token) ends the wait without taking the lock. The lock is released only if this caller still
 * owns it. `report` hears how the wait ended and how long it took.
 */
export async function underLock<T>(
  store: TokenStore,
  key: string,
  settings: LockSettings,
  work: (lease: Lease) => Promise<T>,
  whileWaiting: () => Promise<T | undefined>,
  report?: (outcome: LockOutcome, waitedMs: number) => void,
): Promise<T> {
  const started = Date.now();
  const deadline = started + settings.waitMs;
  for (;;) {
    const owner = await store.tryLock(key, { ttlMs: settings.ttlMs });
    if (owner !== undefined) {
      report?.('acquired', Date.now() - started);
      const { lease, stop } = keepAlive(store, key, owner, settings.ttlMs);
      try {
        return await work(lease);
      } finally {
        stop();
        if (lease.lost) report?.('lost', Date.now() - started);
        await store.unlock(key, owner).catch(() => false);
      }
    }
    if (Date.now() >= deadline) {
      report?.('timeout', Date.now() - started);
      throw new TransportError(
        'timeout',
        'gave up waiting for another process to finish refreshing',
        { retryAt: Date.now() + settings.pollMs },
      );
    }
    // Jitter keeps a crowd of waiters from polling in lockstep.
    await sleep(settings.pollMs * (0.5 + Math.random()));
    const settled = await whileWaiting();
    if (settled !== undefined) {
      report?.('settled', Date.now() - started);
      return settled;
    }
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
