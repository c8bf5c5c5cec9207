import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import type { TokenStore } from '@hh-oauth/storage';
import { createFileStore } from '@hh-oauth/storage/file';
import { createPostgresStore } from '@hh-oauth/storage-postgres';
import { createRedisStore } from '@hh-oauth/storage-redis';
import {
  type PostgresTestServer,
  type RedisTestServer,
  startPostgresServer,
  startRedisServer,
} from '@hh-oauth/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, FOURTEEN_DAYS_S, refreshes, signIn } from './helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/refresh-worker.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const WORKERS = 4;
const CALLS = 25;

let emulator: Emulator;
let redis: RedisTestServer;
let postgres: PostgresTestServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BUILT))
    throw new Error('the cross-process tests run the built packages: run `pnpm build` first');
  [emulator, redis, postgres, dir] = await Promise.all([
    startEmulator({ port: 0 }),
    startRedisServer(),
    startPostgresServer(),
    mkdtemp(join(tmpdir(), 'hh-oauth-xproc-')),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([
    emulator?.close(),
    redis?.stop(),
    postgres?.stop(),
    dir && rm(dir, { recursive: true, force: true }),
  ]);
});

type StoreConfig =
  | { kind: 'redis'; url: string }
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'file'; path: string };

function open(config: StoreConfig): TokenStore {
  if (config.kind === 'redis') return createRedisStore({ url: config.url });
  if (config.kind === 'postgres')
    return createPostgresStore({ connectionString: config.connectionString });
  return createFileStore({ path: config.path });
}

interface Worker {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<Record<string, unknown>>;
}

function startWorker(config: Record<string, unknown>): Worker {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, HH_WORKER: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`worker ${child.pid} ended early: ${stderr}`);
      return JSON.parse(value);
    },
  };
}

async function expiredSession(config: StoreConfig, prefix: string) {
  emulator.controls.reset();
  const store = open(config);
  const hh = clientFor(emulator, store, { keyPrefix: prefix });
  const sessionId = await signIn(hh, emulator);
  const before = await hh.getAccessToken(sessionId);
  emulator.controls.advanceClock(FOURTEEN_DAYS_S + 60);
  return { store, hh, sessionId, before };
}

function workerConfig(
  config: StoreConfig,
  sessionId: string,
  prefix: string,
  extra: Record<string, unknown> = {},
) {
  return {
    store: config,
    url: emulator.url,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    sessionId,
    calls: CALLS,
    clockOffsetMs: emulator.controls.now() - Date.now(),
    lock: { ttlMs: 1500, waitMs: 20_000, pollMs: 10 },
    keyPrefix: prefix,
    ...extra,
  };
}

const stores: Array<[string, () => StoreConfig]> = [
  ['Redis', () => ({ kind: 'redis', url: redis.url })],
  ['PostgreSQL', () => ({ kind: 'postgres', connectionString: postgres.connectionString })],
  ['the file store', () => ({ kind: 'file', path: join(dir, 'tokens.json') })],
];

describe('refresh storm across processes', () => {
  for (const [name, config] of stores) {
    it(`${WORKERS} processes × ${CALLS} callers on one expired session, sharing ${name}: one refresh, one token`, async () => {
      const prefix = `storm-${Math.random().toString(36).slice(2)}:`;
      const { store, hh, sessionId, before } = await expiredSession(config(), prefix);
      const workers = Array.from({ length: WORKERS }, () =>
        startWorker(workerConfig(config(), sessionId, prefix)),
      );
      for (const w of workers) expect(await w.next()).toHaveProperty('ready');
      for (const w of workers) w.child.stdin.write('go\n');
      const results = await Promise.all(workers.map((w) => w.next()));
      const tokens = results.flatMap((r) => r.tokens as string[]);
      expect(results.flatMap((r) => r.errors as string[])).toEqual([]);
      expect(tokens).toHaveLength(WORKERS * CALLS);
      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).not.toBe(before);
      expect(refreshes(emulator)).toBe(1);
      // The pair everyone got is the stored one.
      expect(await hh.getAccessToken(sessionId)).toBe(tokens[0]);
      await store.close();
    }, 60_000);
  }
});

describe('a process killed while it holds the refresh lock', () => {
  it('the others go on after the lock TTL, and nothing is lost (Redis)', async () => {
    const prefix = `crash-${Math.random().toString(36).slice(2)}:`;
    const config = stores[0]![1]();
    const { store, hh, sessionId } = await expiredSession(config, prefix);
    const doomed = startWorker(
      workerConfig(config, sessionId, prefix, { hangWithLock: true, calls: 1 }),
    );
    expect(await doomed.next()).toHaveProperty('ready');
    doomed.child.stdin.write('go\n');
    expect(await doomed.next()).toHaveProperty('locked');
    doomed.child.kill('SIGKILL');
    const survivors = Array.from({ length: 2 }, () =>
      startWorker(workerConfig(config, sessionId, prefix)),
    );
    for (const w of survivors) expect(await w.next()).toHaveProperty('ready');
    for (const w of survivors) w.child.stdin.write('go\n');
    const results = await Promise.all(survivors.map((w) => w.next()));
    expect(results.flatMap((r) => r.errors as string[])).toEqual([]);
    const tokens = results.flatMap((r) => r.tokens as string[]);
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: tokens[0] },
    });
    await store.close();
  }, 60_000);
});

describe("row 1: a holder paused (SIGSTOP) past the lock TTL with hh.ru's answer in hand", () => {
  it('the pair it received is stored when it resumes, over the stale record the others wrote (Redis)', async () => {
    const prefix = `pause-${Math.random().toString(36).slice(2)}:`;
    const config = stores[0]![1]();
    const { store, hh, sessionId } = await expiredSession(config, prefix);
    const paused = startWorker(
      workerConfig(config, sessionId, prefix, { pauseAfterAnswer: true, calls: 1 }),
    );
    expect(await paused.next()).toHaveProperty('ready');
    paused.child.stdin.write('go\n');
    expect(await paused.next()).toHaveProperty('answered');
    paused.child.kill('SIGSTOP');
    // Read once it runs again: the answer then reaches its client.
    paused.child.stdin.write('continue\n');
    try {
      // Its lock is no longer renewed: after the TTL another process takes it, finds the refresh
      // token spent and no pair, and writes stale.
      const other = startWorker(workerConfig(config, sessionId, prefix, { calls: 1 }));
      expect(await other.next()).toHaveProperty('ready');
      other.child.stdin.write('go\n');
      const seen = await other.next();
      expect(seen.errors).toEqual([expect.stringMatching(/^refresh_token_reused/)]);
      expect(await hh.session(sessionId)).toMatchObject({ status: 'stale' });
    } finally {
      paused.child.kill('SIGCONT');
    }
    const resumed = await paused.next();
    expect(resumed.errors).toEqual([]);
    const [token] = resumed.tokens as string[];
    expect(refreshes(emulator)).toBe(1);
    // A valid pair supersedes stale: nothing hh.ru issued was lost.
    expect(await hh.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: token },
    });
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    await store.close();
  }, 60_000);
});
