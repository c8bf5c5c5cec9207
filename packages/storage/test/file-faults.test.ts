/**
 * The file store's lock under process faults, with real child processes (file-fault-worker.ts):
 * a holder stopped (SIGSTOP) inside a write for longer than the stale threshold keeps its lock,
 * and loses no acknowledged write; a holder killed (SIGKILL) inside a write loses its lock at once.
 * Events are ordered by the children's messages and by signals, never by sleeping.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../src/file/index.js';
import { compileForChild } from './compile-for-child.js';

type Event = Record<string, unknown> & { readonly event: string };

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: Event[];
  /** The first event, seen already or to come, that `match` accepts. */
  next(match: (event: Event) => boolean): Promise<Event>;
  readonly exited: Promise<void>;
}

let compiled: { root: string; remove: () => Promise<void> };
let directory: string;
let path: string;
const workers: Worker[] = [];

beforeAll(async () => {
  compiled = await compileForChild(['test/file-fault-worker.ts']);
});
afterAll(async () => {
  await compiled?.remove();
});
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'hh-oauth-file-faults-'));
  path = join(directory, 'tokens.json');
});
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.child.kill('SIGCONT');
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await rm(directory, { recursive: true, force: true });
});

function startWorker(args: readonly (string | number)[]): Worker {
  const child = spawn(
    process.execPath,
    [join(compiled.root, 'test', 'file-fault-worker.js'), ...args.map(String)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const events: Event[] = [];
  const waiting: { match: (event: Event) => boolean; resolve: (event: Event) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as Event;
    events.push(event);
    for (const waiter of waiting.splice(0)) {
      if (waiter.match(event)) waiter.resolve(event);
      else waiting.push(waiter);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker: Worker = {
    child,
    events,
    exited,
    next(match) {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiting.push({ match, resolve });
        void exited.then(() => {
          // Lines are read before 'exit' fires; a child that exits without the event failed.
          setImmediate(() => {
            const late = events.find(match);
            if (late !== undefined) resolve(late);
            else reject(new Error(`worker exited (${child.exitCode}); stderr:\n${stderr}`));
          });
        });
      });
    },
  };
  workers.push(worker);
  return worker;
}

const acked = (worker: Worker): number[] =>
  worker.events.filter((event) => event.event === 'acked').map((event) => Number(event.value));

describe('file store under process faults (real child processes)', () => {
  it('keeps the lock of a holder stopped longer than the stale threshold; no acknowledged write is lost', async () => {
    const staleMs = 300;
    const timeoutMs = 1_000;
    const writers = 3;
    const each = 5;
    const store = createFileStore({ path });
    await store.set('counter', '0', { expectedVersion: 0 });

    const holder = startWorker(['holder', path, staleMs]);
    await holder.next((event) => event.event === 'holding');
    holder.child.kill('SIGSTOP');
    const heldLock = await readFile(`${path}.lock`, 'utf8');
    expect(JSON.parse(heldLock)).toMatchObject({ pid: holder.child.pid });

    const others = Array.from({ length: writers }, () =>
      startWorker(['writer', path, staleMs, timeoutMs, each]),
    );
    // Each writer waits a whole timeoutMs (> staleMs) for the stopped holder's lock and gives up;
    // a writer that got through instead ends the wait at once, and the checks below fail.
    await Promise.race([
      Promise.all(others.map((worker) => worker.next((event) => event.event === 'lock_timeout'))),
      Promise.race(others.map((worker) => worker.next((event) => event.event === 'acked'))),
    ]);
    expect(others.flatMap(acked)).toEqual([]);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(heldLock);
    expect(await store.get('counter')).toEqual({ value: '0', version: 1 });

    holder.child.kill('SIGCONT');
    holder.child.stdin.write('go\n');
    expect(await holder.next((event) => event.event === 'done')).toMatchObject({
      acked: true,
      value: 1,
    });
    const done = await Promise.all(
      others.map((worker) => worker.next((event) => event.event === 'done')),
    );
    expect(done.map((event) => event.acked)).toEqual(Array(writers).fill(each));

    // Every acknowledged write is in the file: each took the next value, none was overwritten.
    const total = 1 + writers * each;
    expect(await store.get('counter')).toEqual({ value: String(total), version: total + 1 });
    const values = [1, ...others.flatMap(acked)].sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await store.close();
  });

  it('breaks the lock of a holder killed inside a write at once, long before the stale threshold', async () => {
    const store = createFileStore({ path, lockStaleMs: 600_000 });
    await store.set('counter', '0', { expectedVersion: 0 });
    const holder = startWorker(['holder', path, 600_000]);
    await holder.next((event) => event.event === 'holding');
    holder.child.kill('SIGKILL');
    const started = Date.now();
    // Version 1 still: the killed holder never wrote.
    expect(await store.set('counter', 'after', { expectedVersion: 1 })).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await store.get('counter')).toEqual({ value: 'after', version: 2 });
    await store.close();
  });
});
