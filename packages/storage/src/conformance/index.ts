/**
 * The conformance suite every `TokenStore` passes (unjs/unstorage's shared driver tests, with
 * next-auth's back door): the suite checks each result against the raw storage, read without the
 * store, so a store cannot pass by agreeing with itself.
 *
 * ```ts
 * import { runTokenStoreConformance } from '@hh-oauth/storage/conformance';
 * runTokenStoreConformance({ name: 'my-store', timing: 'real', setup: async () => ({ store, backdoor, teardown }) });
 * ```
 *
 * Needs vitest (an optional peer dependency); import it from test files only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenStore } from '../types.js';

import { describeWatch } from './watch.js';

export { sealedBackdoor } from './sealed-backdoor.js';

/** A record as the underlying storage holds it, mapped by the back door to value and version. */
export interface RawEntry {
  readonly value: string;
  readonly version: number;
}

/** Reads the underlying storage directly (the file's bytes, Redis keys, the SQL table). */
export interface Backdoor {
  /** The record for `key`, or undefined. May return a record that expired but was not purged yet. */
  readRaw(key: string): Promise<RawEntry | undefined>;
  /** The owner token of lock `key`, or undefined. May return an expired lock. */
  readRawLock(key: string): Promise<string | undefined>;
  /** Everything the storage holds, as text (for the at-rest checks); optional. */
  dumpRaw?(): Promise<string>;
}

export interface ConformanceFixture {
  readonly store: TokenStore;
  readonly backdoor: Backdoor;
  /**
   * More stores over the same storage (another file-store instance, another connection), used
   * together with `store` in the concurrency tests. None for a store that cannot share (memory).
   */
  readonly others?: readonly TokenStore[];
  /** Closes everything `setup` opened. */
  teardown?(): Promise<void>;
}

export interface ConformanceClock {
  /** The suite's clock, in ms since the epoch: pass it to the store as its `now` (timing 'manual'). */
  readonly now: () => number;
}

export interface ConformanceOptions {
  /** Shown in the suite's title. */
  readonly name: string;
  /**
   * 'manual': the store reads `clock.now`, and the suite moves that clock (deterministic, and tests
   * the expiry boundary). 'real': the store uses real time (Redis, PostgreSQL), the suite sleeps
   * through short TTLs of a few hundred ms.
   */
  readonly timing: 'manual' | 'real';
  /** The store encrypts at rest: `backdoor.dumpRaw()` must then contain no value and no key. */
  readonly encryptedAtRest?: boolean;
  /**
   * The store seals values but not keys (`encryptedStore`): `backdoor.dumpRaw()` must contain no
   * value; keys may show.
   */
  readonly valuesSealedAtRest?: boolean;
  /**
   * The store implements `watch` (wake-ups): the suite then tests it, and fails if it is missing.
   * `others` should include an instance with its own connection, so wake-ups cross connections.
   */
  readonly watches?: boolean;
  /** Called before each test; give each call a fresh, empty storage (or a fresh key prefix). */
  setup(clock: ConformanceClock): Promise<ConformanceFixture>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers the conformance tests for one store with vitest. */
export function runTokenStoreConformance(options: ConformanceOptions): void {
  describe(`TokenStore conformance: ${options.name}`, () => {
    let time = Date.UTC(2030, 0, 1);
    const clock: ConformanceClock = { now: () => time };
    let fixture: ConformanceFixture;
    let store: TokenStore;
    let raw: Backdoor;
    let all: readonly TokenStore[];
    let tag = 0;
    /** A key no other test uses, with characters that trip naive encodings. */
    const key = (name: string): string => `${name}:${++tag}:ключ "q" ${'\u{1F511}'} #%/`;

    /** Lets `ms` pass: moves the manual clock, or sleeps. */
    const elapse = async (ms: number): Promise<void> => {
      if (options.timing === 'manual') time += ms;
      else await sleep(ms);
    };
    /** A TTL for expiry tests and how long to wait past it. */
    const TTL = options.timing === 'manual' ? 10_000 : 500;
    const PAST_TTL = options.timing === 'manual' ? 10_000 : 700;
    const pick = (i: number): TokenStore => all[i % all.length]!;

    beforeEach(async () => {
      time = Date.UTC(2030, 0, 1);
      fixture = await options.setup(clock);
      store = fixture.store;
      raw = fixture.backdoor;
      all = [store, ...(fixture.others ?? [])];
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    describe('get and set (compare-and-set)', () => {
      it('reads a missing key as undefined', async () => {
        const k = key('missing');
        expect(await store.get(k)).toBeUndefined();
        expect(await raw.readRaw(k)).toBeUndefined();
      });

      it('creates with expectedVersion 0 at version 1, and the raw storage holds it', async () => {
        const k = key('create');
        expect(await store.set(k, '{"a":1}', { expectedVersion: 0 })).toBe(1);
        expect(await store.get(k)).toEqual({ value: '{"a":1}', version: 1 });
        expect(await raw.readRaw(k)).toEqual({ value: '{"a":1}', version: 1 });
      });

      it('refuses to create over an existing key, writing nothing', async () => {
        const k = key('exists');
        await store.set(k, 'first', { expectedVersion: 0 });
        expect(await store.set(k, 'second', { expectedVersion: 0 })).toBeUndefined();
        expect(await raw.readRaw(k)).toEqual({ value: 'first', version: 1 });
      });

      it('updates at the current version to version + 1, and rejects stale and future versions', async () => {
        const k = key('update');
        await store.set(k, 'v1', { expectedVersion: 0 });
        expect(await store.set(k, 'v2', { expectedVersion: 1 })).toBe(2);
        expect(await store.set(k, 'v3', { expectedVersion: 2 })).toBe(3);
        expect(await store.set(k, 'stale', { expectedVersion: 2 })).toBeUndefined();
        expect(await store.set(k, 'stale', { expectedVersion: 1 })).toBeUndefined();
        expect(await store.set(k, 'future', { expectedVersion: 4 })).toBeUndefined();
        expect(await store.get(k)).toEqual({ value: 'v3', version: 3 });
        expect(await raw.readRaw(k)).toEqual({ value: 'v3', version: 3 });
      });

      it('rejects an update of a missing key', async () => {
        const k = key('update-missing');
        expect(await store.set(k, 'v', { expectedVersion: 1 })).toBeUndefined();
        expect(await raw.readRaw(k)).toBeUndefined();
      });

      it('keeps values byte for byte: empty, unicode, JSON, 64 KiB', async () => {
        const values = [
          '',
          'ключ — 🔑 \u00e9\u0301 \\ " \n\t',
          JSON.stringify({ access_token: 'A'.repeat(64), nested: { list: [1, 2, 3] } }),
          'x'.repeat(64 * 1024),
        ];
        for (const [i, value] of values.entries()) {
          const k = key(`value-${i}`);
          expect(await store.set(k, value, { expectedVersion: 0 })).toBe(1);
          expect((await store.get(k))?.value).toBe(value);
          expect((await raw.readRaw(k))?.value).toBe(value);
        }
      });

      it('keeps keys apart, including keys that differ only in case or a suffix', async () => {
        const base = key('apart');
        const keys = [base, base.toUpperCase(), `${base}:x`, `${base} `, `session:${base}`];
        for (const [i, k] of keys.entries()) await store.set(k, `v${i}`, { expectedVersion: 0 });
        for (const [i, k] of keys.entries()) {
          expect(await store.get(k)).toEqual({ value: `v${i}`, version: 1 });
        }
      });

      it('lets exactly one of many concurrent creates win', async () => {
        const k = key('race-create');
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            pick(i).set(k, `writer-${i}`, { expectedVersion: 0 }),
          ),
        );
        const winners = results.flatMap((version, i) => (version === undefined ? [] : [i]));
        expect(winners).toHaveLength(1);
        expect(results[winners[0]!]).toBe(1);
        expect(await raw.readRaw(k)).toEqual({ value: `writer-${winners[0]}`, version: 1 });
      });

      it('lets exactly one of many concurrent updates of one version win', async () => {
        const k = key('race-update');
        await store.set(k, 'v1', { expectedVersion: 0 });
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            pick(i).set(k, `writer-${i}`, { expectedVersion: 1 }),
          ),
        );
        const winners = results.flatMap((version, i) => (version === undefined ? [] : [i]));
        expect(winners).toHaveLength(1);
        expect(await raw.readRaw(k)).toEqual({ value: `writer-${winners[0]}`, version: 2 });
      });

      it('loses no update when many writers read-modify-write with retries', async () => {
        const k = key('counter');
        await store.set(k, '0', { expectedVersion: 0 });
        const increment = async (target: TokenStore): Promise<void> => {
          for (;;) {
            const current = await target.get(k);
            const next = String(Number(current!.value) + 1);
            if ((await target.set(k, next, { expectedVersion: current!.version })) !== undefined) {
              return;
            }
          }
        };
        const writers = 6;
        const each = 3;
        await Promise.all(
          Array.from({ length: writers }, async (_, i) => {
            for (let n = 0; n < each; n++) await increment(pick(i));
          }),
        );
        expect(await raw.readRaw(k)).toEqual({
          value: String(writers * each),
          version: writers * each + 1,
        });
      });
    });

    describe('TTL', () => {
      it('expires an entry: get, take and delete see nothing, create works again at version 1', async () => {
        const k = key('ttl');
        expect(await store.set(k, 'short-lived', { expectedVersion: 0, ttlMs: TTL })).toBe(1);
        expect(await store.get(k)).toEqual({ value: 'short-lived', version: 1 });
        await elapse(PAST_TTL);
        expect(await store.get(k)).toBeUndefined();
        expect(await store.take(k)).toBeUndefined();
        expect(await store.delete(k)).toBe(false);
        expect(await store.set(k, 'stale', { expectedVersion: 1 })).toBeUndefined();
        expect(await store.set(k, 'fresh', { expectedVersion: 0 })).toBe(1);
        expect(await store.get(k)).toEqual({ value: 'fresh', version: 1 });
        expect(await raw.readRaw(k)).toEqual({ value: 'fresh', version: 1 });
      });

      if (options.timing === 'manual') {
        it('is present until just before expiry and absent from the expiry instant on', async () => {
          const k = key('ttl-edge');
          await store.set(k, 'v', { expectedVersion: 0, ttlMs: 1000 });
          await elapse(999);
          expect(await store.get(k)).toEqual({ value: 'v', version: 1 });
          await elapse(1);
          expect(await store.get(k)).toBeUndefined();
        });
      }

      it('an update without ttlMs makes the entry permanent; with ttlMs it restarts the TTL', async () => {
        // Both updates follow their create at once; only the create's TTL has run out when the
        // entries are read, so neither read depends on how long the updates took.
        const permanent = key('ttl-cleared');
        await store.set(permanent, 'v1', { expectedVersion: 0, ttlMs: TTL });
        expect(await store.set(permanent, 'v2', { expectedVersion: 1 })).toBe(2);
        const renewed = key('ttl-renewed');
        await store.set(renewed, 'v1', { expectedVersion: 0, ttlMs: TTL });
        expect(await store.set(renewed, 'v2', { expectedVersion: 1, ttlMs: TTL * 100 })).toBe(2);
        await elapse(PAST_TTL);
        expect(await store.get(permanent)).toEqual({ value: 'v2', version: 2 });
        expect(await store.get(renewed)).toEqual({ value: 'v2', version: 2 });
      });
    });

    describe('delete', () => {
      it('deletes an entry, from the raw storage too', async () => {
        const k = key('delete');
        expect(await store.delete(k)).toBe(false);
        await store.set(k, 'v', { expectedVersion: 0 });
        expect(await store.delete(k)).toBe(true);
        expect(await store.get(k)).toBeUndefined();
        expect(await raw.readRaw(k)).toBeUndefined();
        expect(await store.delete(k)).toBe(false);
      });

      it('with expectedVersion deletes only at that version', async () => {
        const k = key('delete-version');
        await store.set(k, 'v1', { expectedVersion: 0 });
        await store.set(k, 'v2', { expectedVersion: 1 });
        expect(await store.delete(k, { expectedVersion: 1 })).toBe(false);
        expect(await raw.readRaw(k)).toEqual({ value: 'v2', version: 2 });
        expect(await store.delete(k, { expectedVersion: 2 })).toBe(true);
        expect(await raw.readRaw(k)).toBeUndefined();
        expect(await store.delete(key('delete-version-missing'), { expectedVersion: 1 })).toBe(
          false,
        );
      });
    });

    describe('take (consume once)', () => {
      it('returns the value once and removes it from the raw storage', async () => {
        const k = key('take');
        await store.set(k, 'pending', { expectedVersion: 0, ttlMs: TTL });
        expect(await store.take(k)).toBe('pending');
        expect(await raw.readRaw(k)).toBeUndefined();
        expect(await store.take(k)).toBeUndefined();
        expect(await store.get(k)).toBeUndefined();
      });

      it('gives the value to exactly one of many concurrent takers', async () => {
        const k = key('take-race');
        await store.set(k, 'once', { expectedVersion: 0 });
        const results = await Promise.all(Array.from({ length: 16 }, (_, i) => pick(i).take(k)));
        expect(results.filter((value) => value === 'once')).toHaveLength(1);
        expect(results.filter((value) => value === undefined)).toHaveLength(15);
      });
    });

    describe('locks', () => {
      it('is exclusive until the owner unlocks it', async () => {
        const k = key('lock');
        const owner = await store.tryLock(k, { ttlMs: 60_000 });
        expect(typeof owner).toBe('string');
        expect(await raw.readRawLock(k)).toBe(owner);
        for (const other of all) expect(await other.tryLock(k, { ttlMs: 60_000 })).toBeUndefined();
        expect(await store.unlock(k, 'not-the-owner')).toBe(false);
        expect(await raw.readRawLock(k)).toBe(owner);
        expect(await store.unlock(k, owner!)).toBe(true);
        expect(await raw.readRawLock(k)).toBeUndefined();
        expect(await store.unlock(k, owner!)).toBe(false);
        const next = await pick(1).tryLock(k, { ttlMs: 60_000 });
        expect(typeof next).toBe('string');
        expect(next).not.toBe(owner);
      });

      it('gives the lock to exactly one of many concurrent callers', async () => {
        const k = key('lock-race');
        const owners = await Promise.all(
          Array.from({ length: 16 }, (_, i) => pick(i).tryLock(k, { ttlMs: 60_000 })),
        );
        const winners = owners.filter((owner) => owner !== undefined);
        expect(winners).toHaveLength(1);
        expect(await raw.readRawLock(k)).toBe(winners[0]);
      });

      it('frees itself after its TTL; the old owner can then no longer unlock', async () => {
        const k = key('lock-ttl');
        const first = await store.tryLock(k, { ttlMs: TTL });
        expect(await store.tryLock(k, { ttlMs: TTL })).toBeUndefined();
        await elapse(PAST_TTL);
        expect(await store.unlock(k, first!)).toBe(false);
        const second = await pick(1).tryLock(k, { ttlMs: 60_000 });
        expect(typeof second).toBe('string');
        expect(await store.unlock(k, first!)).toBe(false);
        expect(await raw.readRawLock(k)).toBe(second);
      });

      it('extends the lock past its original TTL; any instance can extend with the owner token', async () => {
        const k = key('lock-extend');
        const owner = await store.tryLock(k, { ttlMs: TTL });
        expect(await store.extendLock(k, owner!, { ttlMs: TTL * 100 })).toBe(true);
        await elapse(PAST_TTL);
        for (const other of all) expect(await other.tryLock(k, { ttlMs: 60_000 })).toBeUndefined();
        expect(await raw.readRawLock(k)).toBe(owner);
        expect(await pick(1).extendLock(k, owner!, { ttlMs: TTL * 100 })).toBe(true);
        expect(await raw.readRawLock(k)).toBe(owner);
        expect(await store.unlock(k, owner!)).toBe(true);
        expect(await raw.readRawLock(k)).toBeUndefined();
        expect(await store.extendLock(k, owner!, { ttlMs: TTL * 100 })).toBe(false);
        expect(await raw.readRawLock(k)).toBeUndefined();
      });

      it('sets the TTL to ttlMs from now: an extension can shorten it too', async () => {
        const k = key('lock-extend-shorter');
        const owner = await store.tryLock(k, { ttlMs: 60_000 });
        expect(await store.extendLock(k, owner!, { ttlMs: TTL })).toBe(true);
        await elapse(PAST_TTL);
        const next = await pick(1).tryLock(k, { ttlMs: 60_000 });
        expect(typeof next).toBe('string');
        expect(await raw.readRawLock(k)).toBe(next);
      });

      if (options.timing === 'manual') {
        it('counts an extended TTL from the moment of the extension', async () => {
          const k = key('lock-extend-edge');
          const owner = await store.tryLock(k, { ttlMs: 1000 });
          await elapse(900);
          expect(await store.extendLock(k, owner!, { ttlMs: 1000 })).toBe(true);
          await elapse(999);
          expect(await pick(1).tryLock(k, { ttlMs: 1000 })).toBeUndefined();
          await elapse(1);
          const next = await pick(1).tryLock(k, { ttlMs: 1000 });
          expect(typeof next).toBe('string');
          expect(await raw.readRawLock(k)).toBe(next);
        });
      }

      it('refuses a non-owner and an expired owner, leaving the holder’s lock as it was', async () => {
        const k = key('lock-extend-refused');
        // No lock: an extension creates none.
        expect(await store.extendLock(k, 'not-the-owner', { ttlMs: 60_000 })).toBe(false);
        expect(await raw.readRawLock(k)).toBeUndefined();
        const first = await store.tryLock(k, { ttlMs: TTL });
        for (const other of all) {
          expect(await other.extendLock(k, 'not-the-owner', { ttlMs: 60_000 })).toBe(false);
        }
        expect(await raw.readRawLock(k)).toBe(first);
        // The refused extensions did not lengthen it: it expires on its own schedule.
        await elapse(PAST_TTL);
        expect(await store.extendLock(k, first!, { ttlMs: 60_000 })).toBe(false);
        const second = await pick(1).tryLock(k, { ttlMs: TTL });
        expect(typeof second).toBe('string');
        // The old owner can neither revive its lock nor lengthen the new holder's.
        expect(await store.extendLock(k, first!, { ttlMs: 60_000 })).toBe(false);
        expect(await raw.readRawLock(k)).toBe(second);
        await elapse(PAST_TTL);
        const third = await store.tryLock(k, { ttlMs: 60_000 });
        expect(typeof third).toBe('string');
        expect(await raw.readRawLock(k)).toBe(third);
      });

      it('lives in its own namespace, apart from entries', async () => {
        const k = key('lock-namespace');
        await store.set(k, 'data', { expectedVersion: 0 });
        const owner = await store.tryLock(k, { ttlMs: 60_000 });
        expect(typeof owner).toBe('string');
        expect(await store.get(k)).toEqual({ value: 'data', version: 1 });
        expect(await store.take(k)).toBe('data');
        expect(await raw.readRawLock(k)).toBe(owner);
        expect(await store.unlock(k, owner!)).toBe(true);
      });
    });

    describe('arguments and errors', () => {
      const rejects = async (promise: () => Promise<unknown>): Promise<void> => {
        const error: unknown = await promise().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toMatchObject({ name: 'StorageError', code: 'invalid_argument' });
        expect((error as Error).message.startsWith(`[hh-oauth/storage-${store.name}] `)).toBe(true);
      };

      it('rejects bad keys, versions and TTLs with a StorageError naming the store', async () => {
        const k = key('args');
        await rejects(() => store.get(''));
        await rejects(() => store.get(42 as never));
        await rejects(() => store.get('a\u0000b'));
        await rejects(() => store.set(k, 'v', { expectedVersion: -1 }));
        await rejects(() => store.set(k, 'v', { expectedVersion: 1.5 }));
        await rejects(() => store.set(k, 'v', { expectedVersion: 0, ttlMs: 0 }));
        await rejects(() => store.set(k, 'v', { expectedVersion: 0, ttlMs: Number.NaN }));
        await rejects(() => store.set(k, 7 as never, { expectedVersion: 0 }));
        await rejects(() => store.delete(k, { expectedVersion: -2 }));
        await rejects(() => store.tryLock(k, { ttlMs: -5 }));
        await rejects(() => store.unlock(k, ''));
        await rejects(() => store.extendLock(k, '', { ttlMs: 1000 }));
        await rejects(() => store.extendLock(k, 'owner', { ttlMs: 0 }));
        await rejects(() => store.extendLock('', 'owner', { ttlMs: 1000 }));
        expect(await raw.readRaw(k)).toBeUndefined();
      });

      it('names the store', () => {
        expect(typeof store.name).toBe('string');
        expect(store.name.length).toBeGreaterThan(0);
      });
    });

    if (options.encryptedAtRest) {
      it('holds no value and no key in plaintext at rest', async () => {
        const k = key('secret-key-name');
        const value = 'secret-refresh-token-value-0123456789';
        await store.set(k, value, { expectedVersion: 0 });
        await store.tryLock(k, { ttlMs: 60_000 });
        expect(raw.dumpRaw).toBeTypeOf('function');
        const dump = await raw.dumpRaw!();
        expect(dump.length).toBeGreaterThan(0);
        expect(dump).not.toContain(value);
        expect(dump).not.toContain('secret-key-name');
        expect(dump).not.toContain(Buffer.from(value).toString('base64').slice(0, 20));
        expect((await raw.readRaw(k))?.value).toBe(value);
      });
    }

    if (options.valuesSealedAtRest) {
      it('holds no value in plaintext at rest', async () => {
        const k = key('sealed');
        const value = 'secret-refresh-token-value-0123456789';
        await store.set(k, value, { expectedVersion: 0 });
        expect(raw.dumpRaw).toBeTypeOf('function');
        const dump = await raw.dumpRaw!();
        expect(dump.length).toBeGreaterThan(0);
        expect(dump).not.toContain(value);
        expect(dump).not.toContain(Buffer.from(value).toString('base64').slice(0, 20));
        expect((await raw.readRaw(k))?.value).toBe(value);
      });
    }

    if (options.watches) {
      describeWatch({
        stores: () => {
          expect(typeof store.watch).toBe('function');
          return { store, other: pick(1) };
        },
        key,
      });
    }

    describe('close', () => {
      it('closes idempotently, and a closed store refuses work with a StorageError', async () => {
        const k = key('close');
        await store.set(k, 'kept', { expectedVersion: 0 });
        await store.close();
        await store.close();
        await expect(store.get(k)).rejects.toMatchObject({ name: 'StorageError' });
        await expect(store.set(k, 'v', { expectedVersion: 1 })).rejects.toMatchObject({
          name: 'StorageError',
        });
        await expect(store.extendLock(k, 'owner', { ttlMs: 1000 })).rejects.toMatchObject({
          name: 'StorageError',
        });
      });
    });
  });
}
