import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTokenStoreConformance } from '@hh-oauth/storage/conformance';
import { createFileStore, type FileStoreOptions } from '../src/file/index.js';
import { readFileBackdoor } from './file-backdoor.js';

const KEY = Buffer.alloc(32, 7);

for (const encrypted of [false, true]) {
  runTokenStoreConformance({
    name: encrypted ? 'file (encrypted)' : 'file',
    timing: 'manual',
    encryptedAtRest: encrypted,
    watches: true,
    async setup({ now }) {
      const directory = await mkdtemp(join(tmpdir(), 'hh-oauth-file-store-'));
      const path = join(directory, 'tokens.json');
      const options: FileStoreOptions = encrypted
        ? { path, now, encryptionKey: KEY.toString('base64') }
        : { path, now };
      const store = createFileStore(options);
      // Other instances on the same file: they share nothing in memory, only the lock file.
      const others = [createFileStore(options), createFileStore(options)];
      return {
        store,
        others,
        backdoor: {
          ...readFileBackdoor(path, encrypted ? KEY : undefined),
          dumpRaw: () => readFile(path, 'latin1').catch(() => ''),
        },
        async teardown() {
          await Promise.all([store, ...others].map((each) => each.close()));
          await rm(directory, { recursive: true, force: true });
        },
      };
    },
  });
}
