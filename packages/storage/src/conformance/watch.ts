/**
 * The conformance tests of the optional `watch` capability (wake-ups): every change made through
 * another instance over the same storage wakes a watcher, once it listens. Registered by
 * `runTokenStoreConformance` when the options say `watches: true`.
 */
import { describe, expect, it } from 'vitest';
import type { TokenStore } from '../types.js';

export interface WatchContext {
  /** The store under test, and the other instances over the same storage (or itself). */
  stores(): { readonly store: TokenStore; readonly other: TokenStore };
  /** A fresh key. */
  key(name: string): string;
}

/** Longest wait for a wake-up before the test fails with a message (not a timed assertion). */
const WAKE_DEADLINE_MS = 5_000;

/** Resolves on the next wake-up after it is called, or rejects past the deadline. */
function wakeups() {
  let count = 0;
  let waiting: (() => void) | undefined;
  return {
    onChange: () => {
      count++;
      waiting?.();
    },
    get count() {
      return count;
    },
    next(what: string): Promise<void> {
      const seen = count;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no wake-up within ${WAKE_DEADLINE_MS} ms after ${what}`)),
          WAKE_DEADLINE_MS,
        );
        waiting = () => {
          if (count === seen) return;
          clearTimeout(timer);
          waiting = undefined;
          resolve();
        };
      });
    },
  };
}

export function describeWatch(context: WatchContext): void {
  describe('watch (wake-ups)', () => {
    it('wakes a watcher for a create, an update, a delete and a take made elsewhere', async () => {
      const { store, other } = context.stores();
      const k = context.key('watch-entry');
      const woken = wakeups();
      const stop = await store.watch!(k, woken.onChange);
      const steps: [string, () => Promise<unknown>][] = [
        ['a create', () => other.set(k, 'one', { expectedVersion: 0 })],
        ['an update', () => other.set(k, 'two', { expectedVersion: 1, ttlMs: 60_000 })],
        ['a delete', () => other.delete(k, { expectedVersion: 2 })],
        ['another create', () => other.set(k, 'three', { expectedVersion: 0 })],
        ['a take', () => other.take(k)],
      ];
      for (const [what, change] of steps) {
        const next = woken.next(what);
        await change();
        await next;
      }
      stop();
      stop();
    });

    it('wakes a watcher when the lock is released elsewhere', async () => {
      const { store, other } = context.stores();
      const k = context.key('watch-lock');
      const owner = await other.tryLock(k, { ttlMs: 60_000 });
      expect(owner).toBeDefined();
      const woken = wakeups();
      const stop = await store.watch!(k, woken.onChange);
      const next = woken.next('an unlock');
      expect(await other.unlock(k, owner!)).toBe(true);
      await next;
      expect(await store.tryLock(k, { ttlMs: 60_000 })).toBeDefined();
      stop();
    });

    it('wakes every watcher of a key; one stopping leaves the others listening', async () => {
      const { store, other } = context.stores();
      const k = context.key('watch-many');
      const first = wakeups();
      const second = wakeups();
      const stopFirst = await store.watch!(k, first.onChange);
      const stopSecond = await other.watch!(k, second.onChange);
      const both = [first.next('a create'), second.next('a create')];
      await other.set(k, 'v', { expectedVersion: 0 });
      await Promise.all(both);
      stopFirst();
      const again = second.next('an update');
      await store.set(k, 'w', { expectedVersion: 1 });
      await again;
      stopSecond();
      // Watching again after every watcher stopped works as the first time.
      const third = wakeups();
      const stopThird = await store.watch!(k, third.onChange);
      const last = third.next('a delete');
      await other.delete(k);
      await last;
      stopThird();
    });

    it('rejects a bad key with a StorageError, and refuses to watch once closed', async () => {
      const { store } = context.stores();
      await expect(store.watch!('', () => undefined)).rejects.toMatchObject({
        name: 'StorageError',
      });
      await store.close();
      await expect(store.watch!(context.key('closed'), () => undefined)).rejects.toMatchObject({
        name: 'StorageError',
      });
    });
  });
}
