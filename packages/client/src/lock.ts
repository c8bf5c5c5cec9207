import { isHhOAuthError, TransportError } from '@hh-oauth/core';
import type { TokenStore } from '@hh-oauth/storage';

export interface LockSettings {
  /**
   * How long the lock outlives a holder that stops renewing it (a crashed or paused process).
   * A live holder renews it every `ttlMs / 3`, so any value is safe. Default 30 s.
   */
  readonly ttlMs: number;
  /** How long a caller waits for another holder before giving up. Default 35 s. */
  readonly waitMs: number;
  /**
   * How often a waiter looks again. Default 25 ms. Over a store with wake-ups (`watch`: Redis,
   * PostgreSQL, the file store) a waiter is woken when the holder writes or unlocks, and looks
   * again on its own only every `pollMs × 10` (in case a wake-up was lost).
   */
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

/** With wake-ups, the fallback poll is this many times slower than `pollMs`. */
const WATCHED_POLL_FACTOR = 10;

/** A wake-up subscription on one key: `next` resolves at the next change, or after `ms`. */
interface Wake {
  next(ms: number): Promise<void>;
  stop(): void;
}

/** Listens for changes of `key`; undefined when the store has no wake-ups or they failed. */
async function listen(store: TokenStore, key: string): Promise<Wake | undefined> {
  if (store.watch === undefined) return undefined;
  let changed = false;
  let wakeUp: (() => void) | undefined;
  let stopWatching: () => void;
  try {
    stopWatching = await store.watch(key, () => {
      changed = true;
      wakeUp?.();
    });
  } catch {
    return undefined; // wake-ups are an optimisation: polling still works
  }
  return {
    next(ms) {
      if (changed) {
        changed = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          changed = false;
          resolve();
        }
        wakeUp = done;
      });
    },
    stop: () => stopWatching(),
  };
}

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
 * holds it, calls `whileWaiting` each time it looks again: a non-undefined answer (e.g. the
 * winner's fresh token) ends the wait without taking the lock. A store with wake-ups (`watch`)
 * wakes the waiter when the holder writes or unlocks; otherwise it polls every `pollMs`. The lock
 * is released only if this caller still owns it. `report` hears how the wait ended and how long
 * it took.
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
  let wake: Wake | undefined;
  let listened = false;
  // Once another holder was seen, a store blip while waiting for it (a failover, a slot moving,
  // a restart: `retry_later`) is waited out like the held lock, until the deadline; anything
  // else, and a failure of the very first attempt, ends the wait at once.
  let blip: unknown;
  let waiting = false;
  const orBlip = async <R>(step: () => Promise<R>): Promise<R | undefined> => {
    try {
      return await step();
    } catch (error) {
      if (!waiting || !isHhOAuthError(error) || error.recovery !== 'retry_later') throw error;
      blip = error;
      return undefined;
    }
  };
  const look = () => orBlip(whileWaiting);
  try {
    for (;;) {
      const owner = await orBlip(() => store.tryLock(key, { ttlMs: settings.ttlMs }));
      if (owner !== undefined) {
        wake?.stop();
        wake = undefined;
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
      waiting = true;
      if (Date.now() >= deadline) {
        report?.('timeout', Date.now() - started);
        if (blip !== undefined) throw blip;
        throw new TransportError(
          'timeout',
          'gave up waiting for another process to finish refreshing',
          { retryAt: Date.now() + settings.pollMs },
        );
      }
      if (!listened) {
        listened = true;
        wake = await listen(store, key);
        // The holder may have finished before we listened: look once more before waiting.
        if (wake !== undefined) {
          const settled = await look();
          if (settled !== undefined) {
            report?.('settled', Date.now() - started);
            return settled;
          }
          continue;
        }
      }
      // Jitter keeps a crowd of pollers from polling in lockstep.
      const pause = settings.pollMs * (0.5 + Math.random());
      if (wake === undefined) await sleep(pause);
      else
        await wake.next(Math.min(pause * WATCHED_POLL_FACTOR, Math.max(0, deadline - Date.now())));
      const settled = await look();
      if (settled !== undefined) {
        report?.('settled', Date.now() - started);
        return settled;
      }
    }
  } finally {
    wake?.stop();
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
