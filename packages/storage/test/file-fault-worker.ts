/**
 * A child process of file-faults.test.ts, in one of two roles; it reports on stdout, one JSON line
 * per event.
 *
 * - `holder <path> <staleMs>`: reads the counter, then increments it with compare-and-set and
 *   stops inside that write — holding the lock file, after reading the store file, before writing
 *   it — until the parent writes a line to its stdin. Prints {"event":"holding"} once stopped
 *   there (the parent then SIGSTOPs or SIGKILLs it), then {"event":"done","acked":…}.
 * - `writer <path> <staleMs> <timeoutMs> <count>`: increments the counter `count` times with
 *   compare-and-set, retrying; prints every lock timeout and every acknowledged write.
 */
import { readSync, writeSync } from 'node:fs';
import { createFileStore } from '../src/file/index.js';
import { isStorageError } from '../src/index.js';

const [role, path, staleMs, timeoutMs, count] = process.argv.slice(2);

const emit = (event: Record<string, unknown>): void => {
  // Synchronous: the holder reports from inside a blocked store call.
  writeSync(1, `${JSON.stringify(event)}\n`);
};

/** Blocks this whole process, event loop included, until the parent writes to stdin. */
const waitForParent = (): void => {
  const buffer = Buffer.alloc(64);
  for (;;) {
    try {
      if (readSync(0, buffer, 0, buffer.length, null) > 0) return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
    }
  }
};

if (role === 'holder') {
  let stopInside = false;
  const store = createFileStore({
    path: path!,
    lockStaleMs: Number(staleMs),
    timeoutMs: 600_000,
    // The store reads its clock under the lock, between reading the file and writing it.
    now: () => {
      if (stopInside) {
        stopInside = false;
        emit({ event: 'holding', pid: process.pid });
        waitForParent();
      }
      return Date.now();
    },
  });
  const current = await store.get('counter');
  stopInside = true;
  const version = await store.set('counter', String(Number(current!.value) + 1), {
    expectedVersion: current!.version,
  });
  emit({ event: 'done', acked: version !== undefined, value: Number(current!.value) + 1 });
  await store.close();
} else if (role === 'writer') {
  const store = createFileStore({
    path: path!,
    lockStaleMs: Number(staleMs),
    timeoutMs: Number(timeoutMs),
  });
  let acked = 0;
  while (acked < Number(count)) {
    const current = await store.get('counter');
    const value = Number(current!.value) + 1;
    try {
      const version = await store.set('counter', String(value), {
        expectedVersion: current!.version,
      });
      if (version !== undefined) {
        acked++;
        emit({ event: 'acked', value });
      }
    } catch (error) {
      if (!isStorageError(error, 'lock_timeout')) throw error;
      emit({ event: 'lock_timeout' });
    }
  }
  emit({ event: 'done', acked });
  await store.close();
} else {
  throw new Error(`unknown role ${role}`);
}
