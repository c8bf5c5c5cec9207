/**
 * The PostgreSQL store when PostgreSQL fails, against a real server: its tables locked by another
 * session (`LOCK TABLE … IN ACCESS EXCLUSIVE MODE` in an open transaction), and the server stopped
 * and started again. Every call must settle with a typed StorageError within its bound, with no
 * token or key in the error, and the store must work again once PostgreSQL does. Ordered by
 * awaited statements and restarts, never by sleeping.
 */
import { isStorageError, type TokenStore } from '@hh-oauth/storage';
import {
  clientCalls,
  leaksProbeSecret,
  type PostgresTestServer,
  PROBE_KEY,
  type Settled,
  settle,
  startPostgresServer,
} from '@hh-oauth/test-servers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../src/index.js';

const KEY = PROBE_KEY;
const TIMEOUT_MS = 1_000;
/** Loose on purpose: the bound is the deadline plus scheduling, never "as long as PostgreSQL takes". */
const BOUND_MS = TIMEOUT_MS + 2_000;

let server: PostgresTestServer;
let raw: pg.Pool;
const pools: pg.Pool[] = [];

/** A pool as an application would pass one: no timeouts of its own. */
function injectedPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
  // Idle connections that the server ends (a restart) are reported as pool 'error' events.
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

beforeAll(async () => {
  server = await startPostgresServer();
  raw = injectedPool();
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await server?.stop();
});

/** Checks that `store` answers every kind of call again. */
async function expectWorking(store: TokenStore): Promise<void> {
  expect(await store.get('after')).toBeUndefined();
  expect(await store.set('after', 'v', { expectedVersion: 0 })).toBe(1);
  expect(await store.get('after')).toEqual({ value: 'v', version: 1 });
  const owner = await store.tryLock('after', { ttlMs: 60_000 });
  expect(typeof owner).toBe('string');
  expect(await store.extendLock('after', owner!, { ttlMs: 60_000 })).toBe(true);
  expect(await store.unlock('after', owner!)).toBe(true);
  expect(await store.take('after')).toBe('v');
}

describe('PostgreSQL store under faults (a real PostgreSQL)', () => {
  it('tables locked by another session: calls settle typed within the bound; they work once the lock is gone', async () => {
    const own = createPostgresStore({
      connectionString: server.connectionString,
      tableName: 'locked_own',
      timeoutMs: TIMEOUT_MS,
      // A connection per call, so that each call itself waits for the table lock. (With fewer,
      // a call first waits for a connection, and its deadline may end that wait: `timeout`.)
      poolOptions: { max: 8 },
    });
    const injected = createPostgresStore({
      pool: injectedPool(),
      tableName: 'locked_injected',
      timeoutMs: TIMEOUT_MS,
    });
    const owners: string[] = [];
    for (const store of [own, injected]) {
      await store.migrate();
      owners.push((await store.tryLock('held', { ttlMs: 60_000 }))!);
    }

    const locker = await raw.connect();
    let ownOutcomes: Settled[];
    let injectedOutcomes: Settled[];
    try {
      await locker.query('BEGIN');
      await locker.query(
        'LOCK TABLE locked_own, locked_own_locks, locked_injected, locked_injected_locks IN ACCESS EXCLUSIVE MODE',
      );
      [ownOutcomes, injectedOutcomes] = await Promise.all([
        Promise.all(clientCalls(own, owners[0]!).map(settle)),
        Promise.all(clientCalls(injected, owners[1]!).map(settle)),
      ]);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    // The store's own pool has lock_timeout at half the budget: the server cancels the waiting
    // statement and says why, so the caller knows nothing was written.
    for (const { error, ms } of ownOutcomes) {
      expect(isStorageError(error, 'lock_timeout')).toBe(true);
      expect(error).toMatchObject({ code: 'timeout', recovery: 'retry_later' });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS / 2 - 50);
      expect(ms).toBeLessThan(BOUND_MS);
      expect(leaksProbeSecret(error)).toBe(false);
    }
    // An injected pool has no server-side timeouts: the deadline ends the wait, outcome unknown.
    for (const { error, ms } of injectedOutcomes) {
      expect(isStorageError(error, 'timeout')).toBe(true);
      expect(error).toMatchObject({ code: 'timeout', recovery: 'retry_later' });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(BOUND_MS);
      expect(leaksProbeSecret(error)).toBe(false);
    }

    // The cancelled statements were not applied.
    expect(await own.get(KEY)).toBeUndefined();
    await expectWorking(own);
    await expectWorking(injected);
    await own.close();
  });

  it('PostgreSQL stopped and started again: calls fail typed during the outage, succeed after', async () => {
    const own = createPostgresStore({
      connectionString: server.connectionString,
      tableName: 'restart_own',
      timeoutMs: TIMEOUT_MS,
    });
    const injected = createPostgresStore({
      pool: injectedPool(),
      tableName: 'restart_injected',
      timeoutMs: TIMEOUT_MS,
    });
    const owners: string[] = [];
    for (const store of [own, injected]) {
      owners.push((await store.tryLock('held', { ttlMs: 60_000 }))!);
    }

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
      // Refused connections are `backend`; either reason is typed and retryable.
      expect(isStorageError(error)).toBe(true);
      expect(['backend', 'timeout']).toContain(error!.reason);
      expect(error).toMatchObject({ recovery: 'retry_later' });
      expect(ms).toBeLessThan(BOUND_MS);
      expect(leaksProbeSecret(error)).toBe(false);
    }

    // The data survived the restart (a clean shutdown), and the pools connect anew by themselves.
    for (const [i, store] of [own, injected].entries()) {
      expect(await store.extendLock('held', owners[i]!, { ttlMs: 60_000 })).toBe(true);
      await expectWorking(store);
    }
    await own.close();
  });
});
