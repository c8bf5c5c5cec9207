// @hh-oauth/client figures, each beside a baseline measured in the same run:
//  1. getAccessToken on a valid token (memory store) vs an async function reading a Map;
//  2. getAccessToken over 100,000 sessions in Redis vs a raw Redis GET on the same ioredis client;
//  3. a refresh storm (1,000 callers, one expired session) vs a client without single-flight.
// Runs the built packages; starts its own redis-server and an emulator process on 127.0.0.1.
import { createHhOAuth } from '@hh-oauth/client';
import { createHttpTransport } from '@hh-oauth/http';
import { createMemoryStore } from '@hh-oauth/storage';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { startRedisServer } from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import { startEmulatorProcess } from './emulator-process.mjs';

const USER_AGENT = 'hh-oauth-bench/1.0 (bench@example.com)';
const DAY = 86_400_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Calls/s of `fn` with `inFlight` concurrent callers, for about `ms`. */
async function throughput(fn, { inFlight = 1, ms = 400 } = {}) {
  let calls = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        for (let i = 0; i < 64; i++) await fn(calls++);
      }
    }),
  );
  return calls / ((performance.now() - start) / 1000);
}

function record(accessToken, now) {
  return JSON.stringify({
    v: 1,
    kind: 'session',
    status: 'authorized',
    tokens: {
      accessToken,
      tokenType: 'bearer',
      refreshToken: `r-${accessToken}`,
      expiresAt: now + 14 * DAY,
      obtainedAt: now,
    },
  });
}

const rows = [];

// 1. Hot path on the memory store.
if (!process.env.ONLY_STORM && !process.env.ONLY_REDIS) {
  const now = Date.now();
  const store = createMemoryStore();
  await store.set('hh-oauth:session:s1', record('tok-1', now), { expectedVersion: 0 });
  const hh = createHhOAuth({ clientId: 'c', clientSecret: 's', userAgent: USER_AGENT, store });
  const map = new Map([['s1', 'tok-1']]);
  const readMap = async (id) => map.get(id);
  const base = [];
  const ours = [];
  for (let r = 0; r < 5; r++) {
    base.push(await throughput(() => readMap('s1')));
    ours.push(await throughput(() => hh.getAccessToken('s1')));
  }
  const ratio = median(base) / median(ours);
  rows.push({
    case: 'getAccessToken, valid token, memory store',
    ours: `${(median(ours) / 1e6).toFixed(2)} M/s`,
    baseline: `async Map read ${(median(base) / 1e6).toFixed(2)} M/s`,
    ratio: `${ratio.toFixed(2)}× slower (goal ≤ 1.5×)`,
  });
}

// 2. Hot path over Redis with 100,000 sessions.
if (!process.env.ONLY_STORM && !process.env.ONLY_MEMORY) {
  const redis = await startRedisServer();
  try {
    const client = new Redis(redis.url, { lazyConnect: false });
    const store = createRedisStore({ client, keyPrefix: 'bench:' });
    const N = 100_000;
    const now = Date.now();
    for (let i = 0; i < N; i += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, j) =>
          store.set(`hh-oauth:session:s${i + j}`, record(`tok-${i + j}`, now), {
            expectedVersion: 0,
          }),
        ),
      );
      const pipeline = client.pipeline();
      for (let j = 0; j < 1000; j++) pipeline.set(`raw:s${i + j}`, `tok-${i + j}`);
      await pipeline.exec();
    }
    const hh = createHhOAuth({ clientId: 'c', clientSecret: 's', userAgent: USER_AGENT, store });
    const pick = (n) => (n * 7919) % N;
    const base = [];
    const ours = [];
    for (let r = 0; r < 3; r++) {
      base.push(await throughput((n) => client.get(`raw:s${pick(n)}`), { inFlight: 64 }));
      ours.push(await throughput((n) => hh.getAccessToken(`s${pick(n)}`), { inFlight: 64 }));
    }
    // Most traffic comes from the sessions active right now: the same reads over a hot set of
    // 10,000 of the 100,000 sessions, the size of the client's decode cache.
    const hotPick = (n) => ((n * 7919) % 10_000) * 10;
    const hotBase = [];
    const hotOurs = [];
    for (let r = 0; r < 3; r++) {
      hotBase.push(await throughput((n) => client.get(`raw:s${hotPick(n)}`), { inFlight: 64 }));
      hotOurs.push(await throughput((n) => hh.getAccessToken(`s${hotPick(n)}`), { inFlight: 64 }));
    }
    rows.push({
      case: 'getAccessToken, 10,000 active of 100,000 sessions in Redis, 64 in flight',
      ours: `${(median(hotOurs) / 1e3).toFixed(1)} k/s`,
      baseline: `raw GET ${(median(hotBase) / 1e3).toFixed(1)} k/s`,
      ratio: `${(median(hotOurs) / median(hotBase)).toFixed(2)}× its throughput (goal ≥ 0.8×)`,
    });
    const ratio = median(ours) / median(base);
    rows.push({
      case: 'getAccessToken over all 100,000 sessions in Redis (uniform), 64 in flight',
      ours: `${(median(ours) / 1e3).toFixed(1)} k/s`,
      baseline: `raw GET ${(median(base) / 1e3).toFixed(1)} k/s`,
      ratio: `${ratio.toFixed(2)}× its throughput (goal ≥ 0.8×)`,
    });
    await store.close();
    client.disconnect();
  } finally {
    await redis.stop();
  }
}

// 3. The refresh storm, against the emulator in its own process.
if (!process.env.ONLY_MEMORY && !process.env.ONLY_REDIS) {
  const emulator = await startEmulatorProcess();
  try {
    const { facts, control } = emulator;
    const CALLERS = 1000;
    let answeredAt = 0;
    const real = createHttpTransport({
      oauthBaseUrl: facts.url,
      apiBaseUrl: facts.url,
      userAgent: USER_AGENT,
      clientId: facts.app.clientId,
      clientSecret: facts.app.clientSecret,
      timeoutMs: 30_000,
    });
    // The same transport, noting when hh.ru's refresh answer arrived.
    const transport = {
      ...real,
      refreshTokens: async (input) => {
        const pair = await real.refreshTokens(input);
        answeredAt = performance.now();
        return pair;
      },
    };
    const offset = (await control('clock')).now - Date.now();
    let skew = offset;
    const hh = createHhOAuth({
      clientId: facts.app.clientId,
      clientSecret: facts.app.clientSecret,
      redirectUri: facts.app.redirectUri,
      userAgent: USER_AGENT,
      store: createMemoryStore(),
      transport,
      clock: { now: () => Date.now() + skew },
    });
    const { url, state } = await hh.startAuthorization();
    const redirectUri = new URL(url).searchParams.get('redirect_uri');
    const { code } = await control('codes', {
      clientId: facts.app.clientId,
      login: 'applicant@example.com',
      redirectUri,
    });
    const { sessionId } = await hh.completeAuthorization(
      `${redirectUri}?code=${code}&state=${state}`,
      {
        expectedState: state,
      },
    );
    await control('clock', { advanceSeconds: 1_209_601 });
    skew = (await control('clock')).now - Date.now();

    const settledAt = [];
    const start = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: CALLERS }, () =>
        hh.getAccessToken(sessionId).finally(() => settledAt.push(performance.now())),
      ),
    );
    const lastSettled = Math.max(...settledAt);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const firstError = results.find((r) => r.status === 'rejected');
    if (firstError)
      console.log('storm error:', firstError.reason?.code, firstError.reason?.message);
    const stats = await control('stats');
    rows.push({
      case: `refresh storm: ${CALLERS} callers, one expired session`,
      ours: `${stats.token.refresh_token} refresh, ${ok.length}/${CALLERS} got the new token, last settled ${(lastSettled - answeredAt).toFixed(2)} ms after hh.ru's answer (goal ≤ 10 ms), ${(lastSettled - start).toFixed(0)} ms in all`,
      baseline: '',
      ratio: '',
    });

    // Baseline: what a client without single-flight does (oauth4webapi, openid-client, simple-oauth2,
    // arctic): every caller holding the expired pair sends its refresh token.
    const fresh = await control('codes', {
      clientId: facts.app.clientId,
      login: 'applicant@example.com',
    });
    const pair = await real.exchangeCode({ code: fresh.code });
    await control('clock', { advanceSeconds: 1_209_601 });
    const naive = await Promise.allSettled(
      Array.from({ length: CALLERS }, () =>
        real.refreshTokens({ refreshToken: pair.refreshToken }),
      ),
    );
    const after = await control('stats');
    const failed = naive.filter((r) => r.status === 'rejected');
    rows.push({
      case: `baseline: ${CALLERS} callers without single-flight`,
      ours: '',
      baseline: `${after.token.refresh_token - stats.token.refresh_token} refresh requests, ${naive.length - failed.length} succeeded, ${failed.length} failed (${[...new Set(failed.map((r) => r.reason.code))].join(', ')})`,
      ratio: '',
    });
  } finally {
    emulator.stop();
  }
}

console.log('client: figures beside baselines measured in this run');
console.table(rows);
