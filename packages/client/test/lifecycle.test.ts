// Records of ended sessions expire on their own; deleteSession removes one now.
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { type RedisTestServer, startRedisServer } from '@hh-oauth/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, signIn } from './helpers.js';

let emulator: Emulator;
let redis: RedisTestServer;
let raw: Redis;

beforeAll(async () => {
  [emulator, redis] = await Promise.all([startEmulator({ port: 0 }), startRedisServer()]);
  raw = new Redis(redis.url);
}, 60_000);
afterAll(async () => {
  raw?.disconnect();
  await Promise.all([emulator?.close(), redis?.stop()]);
});

describe('the lifecycle of session records', () => {
  it('a live session’s record never expires; once signed out it expires after endedSessionTtlMs', async () => {
    const store = createRedisStore({ client: raw });
    const hh = clientFor(emulator, store, { endedSessionTtlMs: 3_600_000 });
    const sessionId = await signIn(hh, emulator);
    const name = `data{hh-oauth:session:${sessionId}}`;
    expect(await raw.pttl(name)).toBe(-1);
    await hh.revoke(sessionId);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'signedOut' });
    const ttl = await raw.pttl(name);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('deleteSession removes the record now, once; the session is then unknown', async () => {
    const store = createRedisStore({ client: raw });
    const hh = clientFor(emulator, store);
    const sessionId = await signIn(hh, emulator);
    await hh.getAccessToken(sessionId);
    expect(await hh.deleteSession(sessionId)).toBe(true);
    expect(await raw.exists(`data{hh-oauth:session:${sessionId}}`)).toBe(0);
    expect(await hh.session(sessionId)).toBeUndefined();
    await expect(hh.getAccessToken(sessionId)).rejects.toMatchObject({ name: 'HhOAuthError' });
    expect(await hh.deleteSession(sessionId)).toBe(false);
  });

  it('rejects an endedSessionTtlMs that is not a positive number', () => {
    const store = createRedisStore({ client: raw });
    expect(() => clientFor(emulator, store, { endedSessionTtlMs: 0 })).toThrow(/endedSessionTtlMs/);
  });
});
