/**
 * The Redis store when Redis fails, against a real redis-server: frozen with SIGSTOP (connections
 * open, nothing answered), and stopped and started again on the same port. Every call must settle
 * with a typed StorageError within its bound, with no token or key in the error, and the store
 * must work again once Redis does. Ordered by signals and awaited restarts, never by sleeping.
 */
import { isStorageError } from '@hh-oauth/storage';
import {
  clientCalls,
  leaksProbeSecret,
  PROBE_KEY,
  PROBE_SECRET,
  type RedisTestServer,
  type Settled,
  settle,
  startRedisServer,
} from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';

const SECRET = PROBE_SECRET;
const KEY = PROBE_KEY;
const TIMEOUT_MS = 1_000;
/** Loose on purpose: the bound is the deadline plus scheduling, never "as long as Redis takes". */
const BOUND_MS = TIMEOUT_MS + 2_000;

let server: RedisTestServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.stop();
});

/** An injected client, as an application would pass one: ioredis defaults, no command timeout. */
function injectedClient(options: { retryStrategy?: () => number } = {}): Redis {
  const client = new Redis(server.url, options);
  // ioredis reports lost connections as 'error' events; the store reports them per call.
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

describe('Redis store under faults (a real redis-server)', () => {
  it('Redis frozen (SIGSTOP): every call settles with timeout within the bound; after SIGCONT it works again', async () => {
    const own = createRedisStore({ url: server.url, keyPrefix: 'frozen:', timeoutMs: TIMEOUT_MS });
    const injected = createRedisStore({
      client: injectedClient(),
      keyPrefix: 'frozen-injected:',
      timeoutMs: TIMEOUT_MS,
    });
    const closing = createRedisStore({
      url: server.url,
      keyPrefix: 'frozen-close:',
      timeoutMs: 500,
    });
    const owners: string[] = [];
    for (const store of [own, injected, closing]) {
      owners.push((await store.tryLock('held', { ttlMs: 60_000 }))!);
      // Redis caches the scripts now: the frozen calls' EVALSHAs will run as sent.
      await store.set('warm', 'v', { expectedVersion: 0 });
    }

    server.pause();
    let outcomes: Settled[];
    let closed: Settled;
    try {
      [closed, ...outcomes] = await Promise.all([
        settle(() => closing.close()),
        ...clientCalls(own, owners[0]!).map(settle),
        ...clientCalls(injected, owners[1]!).map(settle),
      ]);
    } finally {
      server.resume();
    }
    for (const { error, ms } of outcomes) {
      expect(isStorageError(error, 'timeout')).toBe(true);
      expect(error).toMatchObject({ code: 'timeout', recovery: 'retry_later' });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(BOUND_MS);
      expect(leaksProbeSecret(error)).toBe(false);
    }
    // close() does not wait for a Redis that does not answer: it cuts the connection off.
    expect(closed.error).toBeUndefined();
    expect(closed.ms).toBeLessThan(500 + 2_000);

    for (const store of [own, injected]) {
      // The timed-out write reached Redis and was applied when it woke up: a timeout means
      // "outcome unknown", so callers read again (this read follows it on the same connection).
      expect(await store.get(KEY)).toEqual({ value: SECRET, version: 1 });
      // Likewise the timed-out tryLock holds its lock (for its TTL), under an owner nobody knows.
      expect(await store.tryLock(`refresh:${KEY}`, { ttlMs: 60_000 })).toBeUndefined();
      expect(await store.set(KEY, 'after', { expectedVersion: 1 })).toBe(2);
      const owner = await store.tryLock('after', { ttlMs: 60_000 });
      expect(typeof owner).toBe('string');
      expect(await store.extendLock('after', owner!, { ttlMs: 60_000 })).toBe(true);
      expect(await store.unlock('after', owner!)).toBe(true);
    }
    await own.close();
  });

  it('a script call whose deadline passed is not sent again as EVAL when Redis answers NOSCRIPT', async () => {
    const raw = injectedClient();
    const store = createRedisStore({ client: raw, keyPrefix: 'noscript-late:', timeoutMs: 300 });
    await raw.script('FLUSH');
    server.pause();
    let settled: Settled;
    try {
      settled = await settle(() => store.set(KEY, SECRET, { expectedVersion: 0 }));
    } finally {
      server.resume();
    }
    expect(isStorageError(settled.error, 'timeout')).toBe(true);
    // The NOSCRIPT answer comes after the deadline; a fallback EVAL would go out before this
    // second read, on the same connection.
    expect(await store.get(KEY)).toBeUndefined();
    expect(await store.get(KEY)).toBeUndefined();
    expect(await raw.get(`noscript-late:data{${KEY}}`)).toBeNull();
  });

  it('Redis stopped and started again on the same port: calls fail typed during the outage, succeed after', async () => {
    const reconnectQuickly = { retryStrategy: () => 20 };
    const own = createRedisStore({
      url: server.url,
      keyPrefix: 'restart:',
      timeoutMs: TIMEOUT_MS,
      redisOptions: reconnectQuickly,
    });
    const injected = createRedisStore({
      client: injectedClient(reconnectQuickly),
      keyPrefix: 'restart-injected:',
      timeoutMs: TIMEOUT_MS,
    });
    const owners: string[] = [];
    for (const store of [own, injected])
      owners.push((await store.tryLock('held', { ttlMs: 60_000 }))!);

    await server.halt();
    let outcomes: Settled[];
    try {
      outcomes = await Promise.all([
        ...clientCalls(own, owners[0]!).map(settle),
        ...clientCalls(injected, owners[1]!).map(settle),
      ]);
    } finally {
      await server.start();
    }
    for (const { error, ms } of outcomes) {
      // Refused connections are `backend` (Redis is down); a call that outlived its deadline
      // while ioredis reconnected is `timeout`. Either is typed and retryable.
      expect(isStorageError(error)).toBe(true);
      expect(['backend', 'timeout']).toContain(error!.reason);
      expect(error).toMatchObject({ recovery: 'retry_later' });
      expect(ms).toBeLessThan(BOUND_MS);
      expect(leaksProbeSecret(error)).toBe(false);
    }

    for (const store of [own, injected]) {
      // No persistence: the restarted Redis is empty, and the stores reconnected by themselves.
      expect(await store.get(KEY)).toBeUndefined();
      expect(await store.set(KEY, 'after', { expectedVersion: 0 })).toBe(1);
      expect(await store.get(KEY)).toEqual({ value: 'after', version: 1 });
      const owner = await store.tryLock('after', { ttlMs: 60_000 });
      expect(typeof owner).toBe('string');
      expect(await store.unlock('after', owner!)).toBe(true);
    }
    await own.close();
  });
});
