import { encryptedStore, isStorageError, type TokenStore } from '@hh-oauth/storage';
import {
  type Backdoor,
  runTokenStoreConformance,
  sealedBackdoor,
} from '@hh-oauth/storage/conformance';
import { type RedisTestServer, startRedisServer } from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';

let server: RedisTestServer;
let raw: Redis;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
});
afterAll(async () => {
  await raw?.quit();
  await server?.stop();
});

/** The key `encryptedStore` seals with in the sealed run of the suite. */
const SEAL_KEY = new Uint8Array(32).fill(9);

for (const sealed of [false, true]) {
  runTokenStoreConformance({
    name: sealed ? 'redis (encryptedStore)' : 'redis',
    timing: 'real',
    valuesSealedAtRest: sealed,
    watches: true,
    async setup() {
      const keyPrefix = `conformance-${++prefixes}:`;
      const wrap = (store: TokenStore) =>
        sealed ? encryptedStore(store, { key: SEAL_KEY }) : store;
      const store = wrap(createRedisStore({ url: server.url, keyPrefix }));
      // Separate connections on the same server: the races really go over the network.
      const clients = [new Redis(server.url), new Redis(server.url)];
      const others = clients.map((client) => wrap(createRedisStore({ client, keyPrefix })));
      const backdoor: Backdoor = {
        async readRaw(key) {
          const entry = await raw.get(`${keyPrefix}data{${key}}`);
          if (entry === null) return undefined;
          const sep = entry.indexOf(':');
          return { value: entry.slice(sep + 1), version: Number(entry.slice(0, sep)) };
        },
        async readRawLock(key) {
          return (await raw.get(`${keyPrefix}lock{${key}}`)) ?? undefined;
        },
        async dumpRaw() {
          const keys = await raw.keys(`${keyPrefix}*`);
          return keys.length === 0 ? '' : (await raw.mget(keys)).join('\n');
        },
      };
      return {
        store,
        others,
        backdoor: sealed ? sealedBackdoor(backdoor, [SEAL_KEY]) : backdoor,
        async teardown() {
          await store.close();
          await Promise.all(others.map((other) => other.close()));
          await Promise.all(clients.map((client) => client.quit()));
        },
      };
    },
  });
}

describe('createRedisStore', () => {
  it('stores one <version>:<value> string, the key expiring in Redis itself', async () => {
    const store = createRedisStore({ client: raw, keyPrefix: 'layout:' });
    await store.set('session:1', 'token', { expectedVersion: 0, ttlMs: 60_000 });
    expect(await raw.get('layout:data{session:1}')).toBe('1:token');
    const ttl = await raw.pttl('layout:data{session:1}');
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.set('session:1', 'token2', { expectedVersion: 1 });
    expect(await raw.pttl('layout:data{session:1}')).toBe(-1);
    const owner = await store.tryLock('session:1', { ttlMs: 5_000 });
    expect(await raw.get('layout:lock{session:1}')).toBe(owner);
    expect(await raw.pttl('layout:lock{session:1}')).toBeGreaterThan(4_000);
  });

  it('names an entry and its lock by the same hash tag, with no prefix by default', async () => {
    const store = createRedisStore({ client: raw });
    await store.set('hh-oauth:session:abc', 'v', { expectedVersion: 0 });
    const owner = await store.tryLock('hh-oauth:session:abc', { ttlMs: 5_000 });
    expect(await raw.get('data{hh-oauth:session:abc}')).toBe('1:v');
    expect(await raw.get('lock{hh-oauth:session:abc}')).toBe(owner);
  });

  it('keeps every (prefix, key) pair apart, even with braces in keys', async () => {
    const pairs: [string, string][] = [
      ['', 'a}lock{b'],
      ['', 'a'],
      ['a', 'b'],
      ['x:', '}'],
      ['x:', '}}'],
      ['x:data', 'k'],
    ];
    const stores = pairs.map(([keyPrefix]) => createRedisStore({ client: raw, keyPrefix }));
    await Promise.all(
      pairs.map(([, k], i) => stores[i]!.set(`pairs:${k}`, `value-${i}`, { expectedVersion: 0 })),
    );
    for (const [i, [, k]] of pairs.entries()) {
      expect((await stores[i]!.get(`pairs:${k}`))?.value).toBe(`value-${i}`);
    }
    expect(() => createRedisStore({ client: raw, keyPrefix: 'a{b}:' })).toThrow(/\{ or \}/);
  });

  it('keeps prefixes apart, and honours the client’s own ioredis keyPrefix', async () => {
    const a = createRedisStore({ client: raw, keyPrefix: 'a:' });
    const b = createRedisStore({ client: raw, keyPrefix: 'b:' });
    await a.set('k', 'from-a', { expectedVersion: 0 });
    expect(await b.get('k')).toBeUndefined();
    const prefixed = new Redis(server.url, { keyPrefix: 'app1:' });
    try {
      const store = createRedisStore({ client: prefixed });
      await store.set('k', 'v', { expectedVersion: 0 });
      expect(await store.take('k')).toBe('v');
      await store.tryLock('k', { ttlMs: 1000 });
      expect(await raw.exists('app1:lock{k}')).toBe(1);
    } finally {
      await prefixed.quit();
    }
  });

  it('works after the server forgets its scripts (NOSCRIPT → EVAL)', async () => {
    const store = createRedisStore({ client: raw, keyPrefix: 'noscript:' });
    await store.set('k', 'v1', { expectedVersion: 0 });
    await raw.script('FLUSH');
    expect(await store.set('k', 'v2', { expectedVersion: 1 })).toBe(2);
  });

  it('close() quits a client it created and leaves an injected one open', async () => {
    const injected = new Redis(server.url);
    try {
      await createRedisStore({ client: injected }).close();
      expect(await injected.ping()).toBe('PONG');
    } finally {
      await injected.quit();
    }
    const own = createRedisStore({ url: server.url, keyPrefix: 'own:' });
    await own.set('k', 'v', { expectedVersion: 0 });
    const before = Number((await raw.info('clients')).match(/connected_clients:(\d+)/)![1]);
    await own.close();
    await expect
      .poll(async () => Number((await raw.info('clients')).match(/connected_clients:(\d+)/)![1]))
      .toBe(before - 1);
  });

  it('fails with a backend StorageError that carries no value when Redis is unreachable', async () => {
    const store = createRedisStore({
      url: 'redis://127.0.0.1:1',
      redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
    });
    const error = await store
      .set('k', 'secret-token-value', { expectedVersion: 0 })
      .catch((e) => e);
    expect(isStorageError(error, 'backend')).toBe(true);
    expect((error as Error).message).toBe('[hh-oauth/storage-redis] writing an entry failed');
    expect(JSON.stringify(error)).not.toContain('secret-token-value');
    expect(String((error as Error).cause)).not.toContain('secret-token-value');
    await store.close();
  });

  it('a reply error keeps no command arguments in its cause', async () => {
    await raw.hset('wrongtype:data{k}', 'field', 'a hash, not a string');
    const store = createRedisStore({ client: raw, keyPrefix: 'wrongtype:' });
    const error = await store
      .set('k', 'secret-token-value', { expectedVersion: 0 })
      .catch((e) => e);
    expect(isStorageError(error, 'backend')).toBe(true);
    expect((error as Error).cause).not.toHaveProperty('command');
    expect(JSON.stringify((error as Error).cause)).not.toContain('secret-token-value');
  });

  it('rejects options that cannot work', () => {
    expect(() => createRedisStore({} as never)).toThrow(
      /\[hh-oauth\/storage-redis\] pass \{ url \}/,
    );
    expect(() => createRedisStore({ client: {} as never })).toThrow(/ioredis/);
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000' as never]) {
      expect(() => createRedisStore({ client: raw, timeoutMs })).toThrow(
        /\[hh-oauth\/storage-redis\] timeoutMs must be a positive number of ms/,
      );
    }
  });
});
