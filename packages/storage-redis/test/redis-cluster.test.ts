import { encryptedStore, type TokenStore } from '@hh-oauth/storage';
import { type Backdoor, runTokenStoreConformance } from '@hh-oauth/storage/conformance';
import { type RedisTestCluster, startRedisCluster } from '@hh-oauth/test-servers';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';

let cluster: RedisTestCluster;
let raw: Cluster;
let prefixes = 0;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  raw = new Cluster([...cluster.nodes]);
}, 60_000);
afterAll(async () => {
  await raw?.quit();
  await cluster?.stop();
});

runTokenStoreConformance({
  name: 'redis cluster (3 masters)',
  timing: 'real',
  watches: true,
  async setup() {
    const keyPrefix = `conformance-${++prefixes}:`;
    const store = createRedisStore({ cluster: { nodes: cluster.nodes }, keyPrefix });
    const clients = [new Cluster([...cluster.nodes]), new Cluster([...cluster.nodes])];
    const others = clients.map((client) => createRedisStore({ client, keyPrefix }));
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
    };
    return {
      store,
      others,
      backdoor,
      async teardown() {
        await store.close();
        await Promise.all(others.map((other) => other.close()));
        await Promise.all(clients.map((client) => client.quit()));
      },
    };
  },
});

describe('createRedisStore on a Redis Cluster', () => {
  it('puts an entry, its lock and its channel in one slot, and spreads keys over the masters', async () => {
    const store = createRedisStore({ client: raw });
    const masters = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const key = `hh-oauth:session:spread-${i}`;
      await store.set(key, 'v', { expectedVersion: 0 });
      expect(await store.tryLock(key, { ttlMs: 5_000 })).toBeDefined();
      const slot = await cluster.slotOf(`data{${key}}`);
      expect(await cluster.slotOf(`lock{${key}}`)).toBe(slot);
      expect(await cluster.slotOf(`changed{${key}}`)).toBe(slot);
      masters.add(await cluster.masterOf(slot));
    }
    expect(masters.size).toBeGreaterThan(1);
    await store.close();
  });

  it('passes wake-ups through encryptedStore', async () => {
    const sealed: TokenStore = encryptedStore(createRedisStore({ client: raw }), {
      key: new Uint8Array(32).fill(3),
    });
    const other = createRedisStore({ cluster: { nodes: cluster.nodes } });
    let woken!: () => void;
    const wake = new Promise<void>((resolve) => {
      woken = resolve;
    });
    const stop = await sealed.watch!('sealed-watch', woken);
    await other.set('sealed-watch', 'v', { expectedVersion: 0 });
    await wake;
    stop();
    await other.close();
  });
});
