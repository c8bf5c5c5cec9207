import { runTokenStoreConformance } from '@hh-oauth/storage/conformance';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/index.js';
import { inspectMemoryStore } from '../src/memory.js';

runTokenStoreConformance({
  name: 'memory',
  timing: 'manual',
  async setup({ now }) {
    const store = createMemoryStore({ now });
    const state = inspectMemoryStore(store)!;
    return {
      store,
      backdoor: {
        async readRaw(key) {
          const entry = state.entries.get(key);
          return entry && { value: entry.value, version: entry.version };
        },
        async readRawLock(key) {
          return state.locks.get(key)?.owner;
        },
      },
      teardown: () => store.close(),
    };
  },
});

describe('memory store: peek (the synchronous read capability)', () => {
  it('answers as get does, expiry included', async () => {
    let now = 1_000;
    const store = createMemoryStore({ now: () => now });
    expect(store.peek?.('k')).toBeUndefined();
    await store.set('k', 'v', { expectedVersion: 0, ttlMs: 100 });
    expect(store.peek?.('k')).toEqual(await store.get('k'));
    expect(store.peek?.('k')).toEqual({ value: 'v', version: 1 });
    now += 100;
    expect(store.peek?.('k')).toBeUndefined();
    expect(await store.get('k')).toBeUndefined();
    expect(() => store.peek?.('')).toThrow(/key/);
  });
});
