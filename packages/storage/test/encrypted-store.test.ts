import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTokenStoreConformance, sealedBackdoor } from '@hh-oauth/storage/conformance';
import { shownBy } from '@hh-oauth/test-support';
import { describe, expect, it } from 'vitest';
import { createFileStore } from '../src/file/index.js';
import { createMemoryStore, encryptedStore, isStorageError } from '../src/index.js';
import { inspectMemoryStore } from '../src/memory.js';
import { readFileBackdoor } from './file-backdoor.js';

const KEY = new Uint8Array(32).fill(7);
const NEXT_KEY = new Uint8Array(32).fill(8);
const SECRET = 'refresh-token-SECRET-0123456789';

runTokenStoreConformance({
  name: 'memory (encryptedStore)',
  timing: 'manual',
  valuesSealedAtRest: true,
  async setup({ now }) {
    const inner = createMemoryStore({ now });
    const state = inspectMemoryStore(inner)!;
    return {
      store: encryptedStore(inner, { key: KEY }),
      backdoor: sealedBackdoor(
        {
          async readRaw(key) {
            const entry = state.entries.get(key);
            return entry && { value: entry.value, version: entry.version };
          },
          async readRawLock(key) {
            return state.locks.get(key)?.owner;
          },
          async dumpRaw() {
            return [...state.entries.values()].map((entry) => entry.value).join('\n');
          },
        },
        [KEY],
      ),
      teardown: () => inner.close(),
    };
  },
});

runTokenStoreConformance({
  name: 'file (encryptedStore)',
  timing: 'manual',
  valuesSealedAtRest: true,
  async setup({ now }) {
    const directory = await mkdtemp(join(tmpdir(), 'hh-oauth-sealed-file-'));
    const path = join(directory, 'tokens.json');
    const store = encryptedStore(createFileStore({ path, now }), { key: KEY });
    const others = [1, 2].map(() => encryptedStore(createFileStore({ path, now }), { key: KEY }));
    return {
      store,
      others,
      backdoor: sealedBackdoor(
        {
          ...readFileBackdoor(path, undefined),
          dumpRaw: () => readFile(path, 'latin1').catch(() => ''),
        },
        [KEY],
      ),
      async teardown() {
        await Promise.all([store, ...others].map((each) => each.close()));
        await rm(directory, { recursive: true, force: true });
      },
    };
  },
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('encryptedStore', () => {
  it('keeps values sealed, bound to their key: a value moved to another key does not open', async () => {
    const inner = createMemoryStore();
    const store = encryptedStore(inner, { key: KEY });
    await store.set('hh-oauth:session:victim', SECRET, { expectedVersion: 0 });
    const sealed = (await inner.get('hh-oauth:session:victim'))?.value ?? '';
    expect(sealed).toMatch(/^hh-oauth-sealed:1:[0-9a-f]{16}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    // The attacker's own session gets the victim's record: it must not open there.
    await inner.set('hh-oauth:session:attacker', sealed, { expectedVersion: 0 });
    const moved = await failure(store.get('hh-oauth:session:attacker'));
    expect(isStorageError(moved, 'decryption_failed')).toBe(true);
    expect(shownBy(moved)).not.toContain(SECRET);
    // Two writes of one value never look alike (a fresh IV each).
    await store.set('hh-oauth:session:victim', SECRET, { expectedVersion: 1 });
    expect((await inner.get('hh-oauth:session:victim'))?.value).not.toBe(sealed);
  });

  it('refuses tampered, truncated, unsealed and foreign-key values with decryption_failed', async () => {
    const inner = createMemoryStore();
    const store = encryptedStore(inner, { key: KEY });
    await store.set('k', SECRET, { expectedVersion: 0 });
    const sealed = (await inner.get('k'))?.value ?? '';
    // Tampering flips a decoded byte: changing a base64url character may only touch the last
    // character's unused bits, which decode to the same bytes.
    const head = sealed.slice(0, sealed.lastIndexOf(':') + 1);
    const data = Buffer.from(sealed.slice(head.length), 'base64url');
    data[0] = (data[0] ?? 0) ^ 1;
    const tampered = `${head}${data.toString('base64url')}`;
    const foreign = encryptedStore(createMemoryStore(), { key: NEXT_KEY });
    for (const bad of [
      tampered,
      sealed.slice(0, sealed.lastIndexOf(':') + 8),
      SECRET,
      sealed.replace(/^hh-oauth-sealed:1:[0-9a-f]{16}/, 'hh-oauth-sealed:1:0000000000000000'),
    ]) {
      await inner.set('k', bad, { expectedVersion: (await inner.get('k'))?.version ?? 0 });
      const error = await failure(store.get('k'));
      expect(isStorageError(error, 'decryption_failed')).toBe(true);
      expect(error).toMatchObject({ recovery: 'fix_configuration' });
      expect(shownBy(error)).not.toContain(SECRET);
    }
    await foreign.set('k', SECRET, { expectedVersion: 0 });
    expect(await inner.take('k')).toBeDefined();
  });

  it('rotates keys: old values open, the next write seals with the current key', async () => {
    const inner = createMemoryStore();
    await encryptedStore(inner, { key: KEY }).set('k', SECRET, { expectedVersion: 0 });
    const rotated = encryptedStore(inner, { keys: [NEXT_KEY, KEY] });
    expect(await rotated.get('k')).toEqual({ value: SECRET, version: 1 });
    await rotated.set('k', 'after', { expectedVersion: 1 });
    expect(await encryptedStore(inner, { key: NEXT_KEY }).get('k')).toEqual({
      value: 'after',
      version: 2,
    });
    const old = await failure(encryptedStore(inner, { key: KEY }).get('k'));
    expect(isStorageError(old, 'decryption_failed')).toBe(true);
    expect((old as Error).message).toMatch(/not in keys/);
  });

  it('takes a sealed pending record once, and opens it', async () => {
    const store = encryptedStore(createMemoryStore(), { key: KEY });
    await store.set('hh-oauth:pending:s', '{"v":1}', { expectedVersion: 0, ttlMs: 60_000 });
    expect(await store.take('hh-oauth:pending:s')).toBe('{"v":1}');
    expect(await store.take('hh-oauth:pending:s')).toBeUndefined();
  });

  it('refuses keys that cannot work at creation, naming no key', () => {
    const inner = createMemoryStore();
    for (const options of [
      {},
      { keys: [] },
      { key: 'short' },
      { keys: [KEY, new Uint8Array(16)] },
      { key: KEY, keys: [KEY] },
    ]) {
      let error: unknown;
      try {
        encryptedStore(inner, options);
      } catch (caught) {
        error = caught;
      }
      expect(isStorageError(error, 'invalid_argument')).toBe(true);
      expect((error as Error).message).toMatch(/^\[hh-oauth\/storage-encrypted-memory\] /);
    }
    for (const key of [Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64url')]) {
      expect(encryptedStore(inner, { key }).name).toBe('encrypted-memory');
    }
  });
});
