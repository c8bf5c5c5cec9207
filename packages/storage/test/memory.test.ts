import { runTokenStoreConformance } from '@hh-oauth/storage/conformance';
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
