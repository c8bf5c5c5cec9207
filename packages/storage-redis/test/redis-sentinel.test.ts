import { type Backdoor, runTokenStoreConformance } from '@hh-oauth/storage/conformance';
import { type RedisTestSentinel, startRedisSentinel } from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../src/index.js';

let sentinel: RedisTestSentinel;
let raw: Redis;
let prefixes = 0;

const viaSentinels = () =>
  new Redis({ sentinels: [...sentinel.sentinels], name: sentinel.name, lazyConnect: false });

beforeAll(async () => {
  sentinel = await startRedisSentinel();
  raw = viaSentinels();
}, 60_000);
afterAll(async () => {
  raw?.disconnect();
  await sentinel?.stop();
});

// The store on an injected ioredis client that finds the master through three sentinels; wake-ups
// go over a duplicate() of it, which finds the master the same way.
runTokenStoreConformance({
  name: 'redis via Sentinel (1 master, 1 replica, 3 sentinels)',
  timing: 'real',
  watches: true,
  async setup() {
    const keyPrefix = `conformance-${++prefixes}:`;
    const clients = [viaSentinels(), viaSentinels(), viaSentinels()];
    const [store, ...others] = clients.map((client) => createRedisStore({ client, keyPrefix }));
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
      store: store!,
      others,
      backdoor,
      async teardown() {
        await Promise.all([store!, ...others].map((each) => each.close()));
        for (const client of clients) client.disconnect();
      },
    };
  },
});
