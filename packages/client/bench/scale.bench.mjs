// hh-oauth at scale (`pnpm bench:scale`), each figure beside its baseline from the same run:
//  1. storm settle time: 4 processes × 250 callers on one expired session, how long after hh.ru's
//     answer the last caller of any process has its token — waiters polling every 25 ms (before
//     wake-ups) vs woken by the store's watch (after), on Redis, a 3-master Redis Cluster,
//     PostgreSQL and the file store;
//  2. 100,000 sessions in Redis and in PostgreSQL, 4 processes, a mixed load (99 % valid tokens,
//     1 % expired) against the emulator: throughput, p50/p99, refreshes sent, store memory per
//     session; and the Redis hot path vs a raw GET on the same ioredis client.
// Runs the built packages; starts its own servers and an emulator process on 127.0.0.1.
// SCALE_ONLY=storm|load runs one part, SCALE_STORES=Redis,PostgreSQL some stores of part 1;
// SCALE_SESSIONS changes the 100,000, SCALE_ROUNDS the 11 storms per store and mode.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHhOAuth } from '@hh-oauth/client';
import { createFileStore } from '@hh-oauth/storage/file';
import { createPostgresStore } from '@hh-oauth/storage-postgres';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { startPostgresServer, startRedisCluster, startRedisServer } from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startEmulatorProcess } from './emulator-process.mjs';

const USER_AGENT = 'hh-oauth-scale-bench/1.0 (bench@example.com)';
const WORKER = fileURLToPath(new URL('./scale-worker.mjs', import.meta.url));
const PROCESSES = 4;
const CALLERS = 250;
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 11);
const SESSIONS = Number(process.env.SCALE_SESSIONS ?? 100_000);
const DAY = 86_400_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const only = process.env.SCALE_ONLY;

// The emulator, in its own process.
const { facts, control, stop: stopEmulator } = await startEmulatorProcess();
const offset = async () => (await control('clock')).now - Date.now();
const refreshCount = async () => (await control('stats')).token.refresh_token;

function startWorker(store) {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      HH_WORKER: JSON.stringify({
        store,
        url: facts.url,
        clientId: facts.app.clientId,
        clientSecret: facts.app.clientSecret,
      }),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`worker ${child.pid} ended early`);
      return JSON.parse(value);
    },
    send(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
    },
    async exit() {
      child.stdin.write(`${JSON.stringify({ op: 'exit' })}\n`);
      await once(child, 'exit');
    },
  };
}

async function startWorkers(store) {
  const workers = Array.from({ length: PROCESSES }, () => startWorker(store));
  for (const w of workers) await w.next();
  return workers;
}

/** A client in this process on `store`, for signing sessions in. */
async function signer(store) {
  let skew = await offset();
  const hh = createHhOAuth({
    clientId: facts.app.clientId,
    clientSecret: facts.app.clientSecret,
    redirectUri: facts.app.redirectUri,
    userAgent: USER_AGENT,
    store,
    oauthBaseUrl: facts.url,
    apiBaseUrl: facts.url,
    clock: { now: () => Date.now() + skew },
  });
  return {
    hh,
    async signIn() {
      skew = await offset();
      const { url, state } = await hh.startAuthorization();
      const redirectUri = new URL(url).searchParams.get('redirect_uri');
      const { code } = await control('codes', {
        clientId: facts.app.clientId,
        login: 'applicant@example.com',
        redirectUri,
      });
      const done = await hh.completeAuthorization(`${redirectUri}?code=${code}&state=${state}`, {
        expectedState: state,
      });
      return done.sessionId;
    },
  };
}

const rows = [];

/** Part 1: the storm settle time, polling vs wake-ups, on one store. */
async function stormSettle(name, storeConfig, store) {
  const workers = await startWorkers(storeConfig);
  const { signIn } = await signer(store);
  const settle = { poll: [], watch: [] };
  const problems = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['poll', 'watch']) {
        const sessionId = await signIn();
        await control('clock', { advanceSeconds: 1_209_660 });
        const clockOffsetMs = await offset();
        const before = await refreshCount();
        for (const w of workers)
          w.send({ op: 'storm', sessionId, calls: CALLERS, mode, clockOffsetMs });
        const results = await Promise.all(workers.map((w) => w.next()));
        const sent = (await refreshCount()) - before;
        const tokens = new Set(results.flatMap((r) => r.tokens));
        const errors = results.flatMap((r) => r.errors);
        if (sent !== 1 || tokens.size !== 1 || errors.length > 0)
          problems.push(`${mode}: ${sent} refreshes, ${tokens.size} tokens, errors ${errors}`);
        const answered = results.find((r) => r.answeredAt !== undefined && r.answeredAt !== null);
        if (answered)
          settle[mode].push(Math.max(...results.map((r) => r.settledAt)) - answered.answeredAt);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.exit()));
  }
  const before = median(settle.poll);
  const after = median(settle.watch);
  rows.push({
    case: `storm ${PROCESSES}×${CALLERS}, ${name}: last caller after hh.ru's answer (median of ${ROUNDS})`,
    ours: `woken: ${after.toFixed(2)} ms (goal ≤ 5 ms)`,
    baseline: `polling 25 ms: ${before.toFixed(2)} ms`,
    ratio: `${(before / after).toFixed(1)}× sooner${problems.length ? `; PROBLEMS: ${problems.join(' | ')}` : ''}`,
  });
}

/**
 * The Redis hot path beside a raw GET of the same keys on the same ioredis client, 64 in flight,
 * over 10,000 of the valid sessions (the client's decode cache size), in alternating rounds.
 */
async function hotPath(hh, raw) {
  const ids = Array.from({ length: 10_000 }, (_, i) => i * 10 + 1);
  const run = async (fn) => {
    let n = 0;
    const ops = 100_000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (n < ops) await fn(ids[(n++ * 7919) % ids.length]);
      }),
    );
    return ops / ((performance.now() - started) / 1000);
  };
  const base = [];
  const ours = [];
  for (let round = 0; round < 5; round++) {
    base.push(await run((i) => raw.get(`data{hh-oauth:session:s${i}}`)));
    ours.push(await run((i) => hh.getAccessToken(`s${i}`)));
  }
  rows.push({
    case: 'Redis hot path: getAccessToken on a valid token, 64 in flight, 10,000 sessions',
    ours: `${(median(ours) / 1000).toFixed(1)} k/s`,
    baseline: `raw GET on the same client ${(median(base) / 1000).toFixed(1)} k/s`,
    ratio: `${(median(ours) / median(base)).toFixed(2)}× its throughput (goal ≥ 0.9×)`,
  });
}

function sessionRecord(accessToken, now) {
  return JSON.stringify({
    v: 1,
    kind: 'session',
    status: 'authorized',
    tokens: {
      accessToken,
      tokenType: 'bearer',
      refreshToken: `r-${accessToken}`,
      expiresAt: now + 365 * DAY,
      obtainedAt: now,
    },
  });
}

/**
 * Part 2: `SESSIONS` sessions in `store`, 1 % of them real and expired (every 100th id), the
 * rest valid; 4 processes each call getAccessToken once on every session, in its own order.
 */
async function atScale(name, storeConfig, store, memory, raw) {
  const expired = Math.ceil(SESSIONS / 100);
  const { hh } = await signer(store);
  // Real pairs for the 1 %: codes exchanged through the client, under the ids the load uses.
  const now = Date.now() + (await offset());
  const realIds = [];
  for (let i = 0; i < SESSIONS; i += 100) realIds.push(`s${i}`);
  const memoryBefore = await memory();
  for (let i = 0; i < SESSIONS; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, SESSIONS - i) }, (_, j) => {
        const n = i + j;
        if (n % 100 === 0) return undefined;
        return store.set(`hh-oauth:session:s${n}`, sessionRecord(`tok-${n}`, now), {
          expectedVersion: 0,
        });
      }),
    );
  }
  for (let i = 0; i < realIds.length; i += 50) {
    await Promise.all(
      realIds.slice(i, i + 50).map(async (sessionId) => {
        const { url, state } = await hh.startAuthorization({ sessionId });
        const redirectUri = new URL(url).searchParams.get('redirect_uri');
        const { code } = await control('codes', {
          clientId: facts.app.clientId,
          login: 'applicant@example.com',
          redirectUri,
        });
        await hh.completeAuthorization(`${redirectUri}?code=${code}&state=${state}`, {
          expectedState: state,
        });
      }),
    );
  }
  const memoryAfter = await memory();
  await control('clock', { advanceSeconds: 1_209_660 });
  const clockOffsetMs = await offset();
  const workers = await startWorkers(storeConfig);
  try {
    const before = await refreshCount();
    const started = performance.now();
    for (const [k, w] of workers.entries()) {
      w.send({
        op: 'load',
        first: 0,
        count: SESSIONS,
        start: k * 25_013,
        ops: SESSIONS,
        inFlight: 64,
        clockOffsetMs,
      });
    }
    const results = await Promise.all(workers.map((w) => w.next()));
    const seconds = (performance.now() - started) / 1000;
    const sent = (await refreshCount()) - before;
    const ops = results.reduce((sum, r) => sum + r.ops, 0);
    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    if (raw !== undefined) await hotPath(hh, raw);
    rows.push({
      case: `${SESSIONS.toLocaleString('en')} sessions in ${name}, ${PROCESSES} processes × 64 in flight, 99 % valid / 1 % expired`,
      ours: `${(ops / seconds / 1000).toFixed(1)} k calls/s, p50 ${median(results.map((r) => r.p50)).toFixed(2)} ms, p99 ${Math.max(...results.map((r) => r.p99)).toFixed(2)} ms (worst process), ${errors} errors`,
      baseline: `${sent} refreshes sent for ${expired} expired sessions (goal: exactly ${expired})`,
      ratio: `store memory ${((memoryAfter - memoryBefore) / SESSIONS).toFixed(0)} B/session`,
    });
  } finally {
    await Promise.all(workers.map((w) => w.exit()));
  }
}

try {
  const redis = await startRedisServer();
  const cluster = only === 'load' ? undefined : await startRedisCluster({ masters: 3 });
  const postgres = await startPostgresServer();
  const dir = await mkdtemp(join(tmpdir(), 'hh-oauth-scale-'));
  try {
    const redisUrl = { kind: 'redis', url: redis.url };
    const pgConfig = { kind: 'postgres', connectionString: postgres.connectionString };
    if (only !== 'load') {
      const stores = [
        ['Redis', redisUrl],
        ['Redis Cluster (3 masters)', { kind: 'redis-cluster', nodes: cluster.nodes }],
        ['PostgreSQL', pgConfig],
        ['the file store', { kind: 'file', path: join(dir, 'tokens.json') }],
      ];
      for (const [name, config] of stores.filter(
        ([n]) => !process.env.SCALE_STORES || process.env.SCALE_STORES.split(',').includes(n),
      )) {
        const store =
          config.kind === 'redis'
            ? createRedisStore({ url: config.url })
            : config.kind === 'redis-cluster'
              ? createRedisStore({ cluster: { nodes: config.nodes } })
              : config.kind === 'postgres'
                ? createPostgresStore({ connectionString: config.connectionString })
                : createFileStore({ path: config.path });
        await stormSettle(name, config, store);
        await store.close();
      }
    }
    if (only !== 'storm') {
      const raw = new Redis(redis.url);
      await raw.flushall();
      const redisStore = createRedisStore({ client: raw });
      const usedMemory = async () =>
        Number((await raw.info('memory')).match(/used_memory:(\d+)/)[1]);
      await atScale('Redis', redisUrl, redisStore, usedMemory, raw);
      const pool = new pg.Pool({ connectionString: postgres.connectionString });
      const pgStore = createPostgresStore({ pool });
      await pgStore.migrate();
      const tableBytes = async () =>
        Number(
          (await pool.query(`SELECT pg_total_relation_size('hh_oauth_entries') AS n`)).rows[0].n,
        );
      await atScale('PostgreSQL', pgConfig, pgStore, tableBytes);
      await pgStore.close();
      await pool.end();
      raw.disconnect();
    }
  } finally {
    await Promise.all([redis.stop(), cluster?.stop(), postgres.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
} finally {
  stopEmulator();
}

console.log('scale: figures beside baselines measured in this run');
console.table(rows);
