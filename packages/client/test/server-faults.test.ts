// The runtime over real Redis and PostgreSQL servers when they stop or restart mid-refresh. The
// order of events comes from gates and the client's own events (a store retry reported), never
// from sleeps; the only waiting on time is a store's own deadline running out.
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import type { HttpTransport } from '@hh-oauth/http';
import { createPostgresStore } from '@hh-oauth/storage-postgres';
import { createRedisStore } from '@hh-oauth/storage-redis';
import {
  type PostgresTestServer,
  type RedisTestServer,
  startPostgresServer,
  startRedisServer,
} from '@hh-oauth/test-servers';
import { createGate, rejectionOf } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor, FOURTEEN_DAYS_S, refreshes, signIn, transportFor } from './helpers.js';

let emulator: Emulator;
let redis: RedisTestServer;
let postgres: PostgresTestServer;
beforeAll(async () => {
  [emulator, redis, postgres] = await Promise.all([
    startEmulator({ port: 0 }),
    startRedisServer(),
    startPostgresServer(),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([emulator?.close(), redis?.stop(), postgres?.stop()]);
});
beforeEach(() => emulator.controls.reset());

const prefix = () => `faults-${Math.random().toString(36).slice(2)}:`;

/** The real transport, with the refresh answer held at a gate before the client sees it. */
function answeredTransport() {
  const raw = transportFor(emulator);
  const gate = createGate();
  const transport: HttpTransport = {
    ...raw,
    async refreshTokens(input, call) {
      const tokens = await raw.refreshTokens(input, call);
      await gate.wait();
      return tokens;
    },
  };
  return { transport, gate };
}

describe('row 2: PostgreSQL restarts right after hh.ru answered a refresh', () => {
  it('the pair is written once the server is back, and the caller gets it', async () => {
    const store = createPostgresStore({
      connectionString: postgres.connectionString,
      timeoutMs: 1_000,
    });
    const answered = answeredTransport();
    const hh = clientFor(emulator, store, { keyPrefix: prefix(), transport: answered.transport });
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const retrying = createGate();
    hh.onEvent((event) => {
      if (event.type === 'store.retry') void retrying.wait();
    });

    const call = hh.getAccessToken(sessionId);
    await answered.gate.reached; // hh.ru issued the pair
    await postgres.halt();
    answered.gate.open(); // the client tries to store it: the server is down
    await retrying.reached;
    await postgres.start();

    const token = await call;
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: token },
    });
    await store.close();
  }, 60_000);
});

describe('row 5: a stopped Redis never makes a call hang', () => {
  it('getAccessToken on a valid token settles with a typed error within the store timeout, then works again', async () => {
    const store = createRedisStore({ url: redis.url, timeoutMs: 500 });
    const hh = clientFor(emulator, store, { keyPrefix: prefix() });
    const sessionId = await signIn(hh, emulator);
    const token = await hh.getAccessToken(sessionId);
    redis.pause();
    try {
      const started = Date.now();
      const error = await rejectionOf(hh.getAccessToken(sessionId));
      expect(error).toMatchObject({ code: 'timeout', recovery: 'retry_later' });
      // Bounded by the store's timeout (500 ms), with room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(String(error)).not.toContain(token);
    } finally {
      redis.resume();
    }
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    await store.close();
  }, 30_000);
});
