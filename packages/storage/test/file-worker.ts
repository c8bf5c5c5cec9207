/**
 * A child process of file-store.test.ts: increments a counter with compare-and-set, tries to take a
 * shared key once, and counts the times it held a lock alone. Prints one JSON line.
 */
import { createFileStore } from '../src/file/index.js';

const [path, rounds] = process.argv.slice(2);
const store = createFileStore({ path: path!, timeoutMs: 30_000 });

let increments = 0;
while (increments < Number(rounds)) {
  const current = await store.get('counter');
  const next = String(Number(current?.value ?? '0') + 1);
  if (
    (await store.set('counter', next, { expectedVersion: current?.version ?? 0 })) !== undefined
  ) {
    increments++;
  }
}
const taken = await store.take('once');
let locked = 0;
for (let i = 0; i < Number(rounds); i++) {
  const owner = await store.tryLock('critical', { ttlMs: 60_000 });
  if (owner === undefined) continue;
  // While we hold the lock, nobody else may: a marker entry proves it.
  const marker = await store.set('holder', String(process.pid), { expectedVersion: 0 });
  if (marker === undefined) throw new Error('two holders of one lock');
  await store.delete('holder', { expectedVersion: marker });
  if (!(await store.unlock('critical', owner))) throw new Error('lost the lock');
  locked++;
}
await store.close();
process.stdout.write(`${JSON.stringify({ taken: taken ?? null, locked })}\n`);
