// Refresh storms over a real local Redis Cluster and a Sentinel set: one refresh and one token
// for every caller, also while the session's slot moves to another master and while its master
// fails over.
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createRedisStore } from '@hh-oauth/storage-redis';
import {
  type RedisTestCluster,
  type RedisTestSentinel,
  startRedisCluster,
  startRedisSentinel,
} from '@hh-oauth/test-servers';
import { createGate, type Gate } from '@hh-oauth/test-support';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HhOAuth } from '../src/index.js';
import { clientFor, FOURTEEN_DAYS_S, refreshes, signIn, transportFor } from './helpers.js';

const INSTANCES = 4;
const CALLS = 25;

let emulator: Emulator;
let plain: RedisTestCluster;
let replicated: RedisTestCluster;
let sentinel: RedisTestSentinel;

beforeAll(async () => {
  [emulator, plain, replicated, sentinel] = await Promise.all([
    startEmulator({ port: 0 }),
    startRedisCluster({ masters: 3 }),
    startRedisCluster({ masters: 3, replicasPerMaster: 1 }),
    startRedisSentinel(),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([emulator?.close(), plain?.stop(), replicated?.stop(), sentinel?.stop()]);
});

/** How each instance reaches Redis: a Cluster, or a client that asks the sentinels. */
type Topology = RedisTestCluster | RedisTestSentinel;

function connect(topology: Topology): Redis | Cluster {
  const client =
    'sentinels' in topology
      ? new Redis({
          sentinels: [...topology.sentinels],
          name: topology.name,
          commandTimeout: 1000,
          maxRetriesPerRequest: 1,
        })
      : new Cluster([...topology.nodes], {
          retryDelayOnMoved: 10,
          retryDelayOnFailover: 50,
          retryDelayOnClusterDown: 50,
          redisOptions: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
        });
  client.on('error', () => undefined);
  return client;
}

interface Instance {
  readonly hh: HhOAuth;
  readonly close: () => Promise<void>;
}

/**
 * `INSTANCES` clients, each on its own Cluster connection, as separate processes would be. The
 * first refresh any of them sends waits at `gate` (when given) before it goes to hh.ru.
 */
function instances(topology: Topology, prefix: string, gate?: Gate): Instance[] {
  return Array.from({ length: INSTANCES }, () => {
    const client = connect(topology);
    const store = createRedisStore({ client, timeoutMs: 2000 });
    const transport = transportFor(emulator);
    const gated = {
      ...transport,
      async refreshTokens(...args: Parameters<typeof transport.refreshTokens>) {
        await gate?.wait();
        return transport.refreshTokens(...args);
      },
    };
    const hh = clientFor(emulator, store, {
      keyPrefix: prefix,
      transport: gated,
      lock: { ttlMs: 5_000, waitMs: 20_000, pollMs: 10 },
    });
    return {
      hh,
      close: async () => {
        await store.close();
        client.disconnect();
      },
    };
  });
}

async function expiredSession(topology: Topology, prefix: string) {
  emulator.controls.reset();
  const [first, ...rest] = instances(topology, prefix);
  const sessionId = await signIn(first!.hh, emulator);
  const before = await first!.hh.getAccessToken(sessionId);
  emulator.controls.advanceClock(FOURTEEN_DAYS_S + 60);
  await Promise.all([first!.close(), ...rest.map((each) => each.close())]);
  return { sessionId, before, slotKey: `data{${prefix}session:${sessionId}}` };
}

/** Every instance asks for the session's token `CALLS` times at once. */
async function storm(all: readonly Instance[], sessionId: string) {
  const results = await Promise.allSettled(
    all.flatMap((each) => Array.from({ length: CALLS }, () => each.hh.getAccessToken(sessionId))),
  );
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  const tokens = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  return { errors, tokens };
}

describe('refresh storms over a 3-master Redis Cluster', () => {
  it(`${INSTANCES} instances × ${CALLS} callers: one refresh, one token, stored`, async () => {
    const prefix = `storm-${Math.random().toString(36).slice(2)}:`;
    const { sessionId, before } = await expiredSession(plain, prefix);
    const all = instances(plain, prefix);
    const { errors, tokens } = await storm(all, sessionId);
    expect(errors).toEqual([]);
    expect(tokens).toHaveLength(INSTANCES * CALLS);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(before);
    expect(refreshes(emulator)).toBe(1);
    expect(await all[1]!.hh.getAccessToken(sessionId)).toBe(tokens[0]);
    await Promise.all(all.map((each) => each.close()));
  }, 60_000);

  it('while the session’s slot moves to another master mid-refresh: one refresh, nothing lost', async () => {
    const prefix = `reshard-${Math.random().toString(36).slice(2)}:`;
    const { sessionId, slotKey } = await expiredSession(plain, prefix);
    const gate = createGate();
    const all = instances(plain, prefix, gate);
    const stormed = storm(all, sessionId);
    // One instance holds the lock and is about to ask hh.ru; the others wait for it.
    await gate.reached;
    const slot = await plain.slotOf(slotKey);
    const from = await plain.masterOf(slot);
    const to = plain.nodes.find((node) => node.port !== from)!.port;
    await plain.moveSlot(slot, to);
    expect(await plain.masterOf(slot)).toBe(to);
    gate.open();
    const { errors, tokens } = await stormed;
    expect(errors).toEqual([]);
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(1);
    // And back while a second storm runs, with no gate: the slot moves under live traffic.
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 60);
    const second = storm(all, sessionId);
    await plain.moveSlot(slot, from);
    const again = await second;
    expect(again.errors).toEqual([]);
    expect(new Set(again.tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(2);
    expect(await all[2]!.hh.getAccessToken(sessionId)).toBe(again.tokens[0]);
    await Promise.all(all.map((each) => each.close()));
  }, 60_000);

  it('while the session’s master crashes and its replica takes over mid-refresh: one refresh, nothing lost', async () => {
    const prefix = `failover-${Math.random().toString(36).slice(2)}:`;
    const { sessionId, slotKey } = await expiredSession(replicated, prefix);
    const gate = createGate();
    const all = instances(replicated, prefix, gate);
    const stormed = storm(all, sessionId);
    await gate.reached;
    const slot = await replicated.slotOf(slotKey);
    const master = await replicated.masterOf(slot);
    // The replica has everything the master acknowledged (the record, the lock): then crash it.
    await replicated.replicated(master);
    await replicated.kill(master);
    await replicated.settled();
    expect(await replicated.masterOf(slot)).not.toBe(master);
    gate.open();
    const { errors, tokens } = await stormed;
    expect(errors).toEqual([]);
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(1);
    expect(await all[3]!.hh.getAccessToken(sessionId)).toBe(tokens[0]);
    await Promise.all(all.map((each) => each.close()));
  }, 60_000);
});

describe('a refresh storm over Redis with Sentinel (1 master, 1 replica, 3 sentinels)', () => {
  it('while the master crashes and the sentinels promote the replica mid-refresh: one refresh, nothing lost', async () => {
    const prefix = `sentinel-${Math.random().toString(36).slice(2)}:`;
    const { sessionId } = await expiredSession(sentinel, prefix);
    const gate = createGate();
    const all = instances(sentinel, prefix, gate);
    const stormed = storm(all, sessionId);
    await gate.reached;
    const old = await sentinel.master();
    // Asynchronous replication: what the master acknowledged but the replica had not yet got
    // would be lost with it (the documented window). Wait it out, then crash the master.
    await sentinel.replicated();
    const next = await sentinel.failover();
    expect(next).not.toBe(old);
    gate.open();
    const { errors, tokens } = await stormed;
    expect(errors).toEqual([]);
    expect(tokens).toHaveLength(INSTANCES * CALLS);
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(1);
    // The pair hh.ru issued is on the new master: every instance reads it.
    for (const each of all) expect(await each.hh.getAccessToken(sessionId)).toBe(tokens[0]);
    await Promise.all(all.map((each) => each.close()));
  }, 60_000);
});
