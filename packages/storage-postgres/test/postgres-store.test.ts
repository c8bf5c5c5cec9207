import { encryptedStore, isStorageError, type TokenStore } from '@hh-oauth/storage';
import {
  type Backdoor,
  runTokenStoreConformance,
  sealedBackdoor,
} from '@hh-oauth/storage/conformance';
import { type PostgresTestServer, startPostgresServer } from '@hh-oauth/test-servers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../src/index.js';

let server: PostgresTestServer;
let raw: pg.Pool;
let tables = 0;

beforeAll(async () => {
  server = await startPostgresServer();
  raw = new pg.Pool({ connectionString: server.connectionString, max: 2 });
  // end() resolves before its connections have closed; one the server's shutdown reaches first is
  // reported as a pool 'error' event, which would otherwise be an uncaught exception.
  raw.on('error', () => undefined);
});
afterAll(async () => {
  await raw?.end();
  await server?.stop();
});

/** The key `encryptedStore` seals with in the sealed run of the suite. */
const SEAL_KEY = new Uint8Array(32).fill(9);

for (const sealed of [false, true]) {
  runTokenStoreConformance({
    name: sealed ? 'postgres (encryptedStore)' : 'postgres',
    timing: 'real',
    valuesSealedAtRest: sealed,
    watches: true,
    async setup() {
      const tableName = `conformance_${++tables}`;
      const wrap = (store: TokenStore) =>
        sealed ? encryptedStore(store, { key: SEAL_KEY }) : store;
      const plain = createPostgresStore({ connectionString: server.connectionString, tableName });
      await plain.migrate();
      const store = wrap(plain);
      // Other pools: the races really go over separate connections.
      const pools = [1, 2].map(
        () => new pg.Pool({ connectionString: server.connectionString, max: 4 }),
      );
      const others = pools.map((pool) => wrap(createPostgresStore({ pool, tableName })));
      const backdoor: Backdoor = {
        async readRaw(key) {
          const { rows } = await raw.query(
            `SELECT value, version FROM ${tableName} WHERE key = $1`,
            [key],
          );
          const row = rows[0];
          return row === undefined ? undefined : { value: row.value, version: Number(row.version) };
        },
        async readRawLock(key) {
          const { rows } = await raw.query(`SELECT owner FROM ${tableName}_locks WHERE key = $1`, [
            key,
          ]);
          return rows[0]?.owner;
        },
        async dumpRaw() {
          const { rows } = await raw.query(`SELECT key, value FROM ${tableName}`);
          return rows.map((row) => `${row.key}\t${row.value}`).join('\n');
        },
      };
      return {
        store,
        others,
        backdoor: sealed ? sealedBackdoor(backdoor, [SEAL_KEY]) : backdoor,
        async teardown() {
          await store.close();
          // Each store gives back the connection it LISTENs on; then the pools can end.
          await Promise.all(others.map((other) => other.close()));
          await Promise.all(pools.map((pool) => pool.end()));
        },
      };
    },
  });
}

describe('createPostgresStore', () => {
  it('migrates once even when many processes start at once', async () => {
    const pools = Array.from(
      { length: 6 },
      () => new pg.Pool({ connectionString: server.connectionString, max: 1 }),
    );
    try {
      const stores = pools.map((pool) => createPostgresStore({ pool, tableName: 'app.tokens' }));
      await raw.query('CREATE SCHEMA IF NOT EXISTS app');
      const results = await Promise.all(
        stores.map((store, i) => store.set('k', `v${i}`, { expectedVersion: 0 })),
      );
      expect(results.filter((version) => version === 1)).toHaveLength(1);
      await Promise.all(stores.map((store) => store.migrate()));
      const { rows } = await raw.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'app' ORDER BY 1`,
      );
      expect(rows.map((row) => row.table_name)).toEqual(['tokens', 'tokens_locks']);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('expires by the database clock, in an expires_at column', async () => {
    const store = createPostgresStore({ pool: raw, tableName: 'clock_check' });
    await store.set('k', 'v', { expectedVersion: 0, ttlMs: 60_000 });
    const { rows } = await raw.query(
      `SELECT extract(epoch FROM expires_at - now()) * 1000 AS ms FROM clock_check WHERE key = 'k'`,
    );
    expect(Number(rows[0].ms)).toBeGreaterThan(59_000);
    expect(Number(rows[0].ms)).toBeLessThanOrEqual(60_000);
    await raw.query(
      `UPDATE clock_check SET expires_at = now() - interval '1 second' WHERE key = 'k'`,
    );
    expect(await store.get('k')).toBeUndefined();
    expect(await store.set('k', 'again', { expectedVersion: 0 })).toBe(1);
  });

  it('with autoMigrate false, fails until migrate() runs', async () => {
    const store = createPostgresStore({
      pool: raw,
      tableName: 'manual_tables',
      autoMigrate: false,
    });
    const error = await store.get('k').catch((e: unknown) => e);
    expect(isStorageError(error, 'backend')).toBe(true);
    expect((error as Error).message).toBe('[hh-oauth/storage-postgres] reading an entry failed');
    await store.migrate();
    expect(await store.get('k')).toBeUndefined();
  });

  it('close() ends a pool it created and leaves an injected one open', async () => {
    const injected = new pg.Pool({ connectionString: server.connectionString, max: 1 });
    try {
      const store = createPostgresStore({ pool: injected, tableName: 'close_check' });
      await store.get('k');
      await store.close();
      expect((await injected.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await injected.end();
    }
    const own = createPostgresStore({
      connectionString: server.connectionString,
      tableName: 'close_check',
    });
    await own.set('k', 'v', { expectedVersion: 0 });
    const count = async (): Promise<number> =>
      Number(
        (
          await raw.query(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'`,
          )
        ).rows[0].n,
      );
    const before = await count();
    await own.close();
    await expect.poll(count).toBeLessThan(before);
  });

  it('fails with a backend StorageError that carries no value when the server is unreachable', async () => {
    const store = createPostgresStore({
      connectionString: 'postgresql://postgres@127.0.0.1:1/postgres',
      poolOptions: { connectionTimeoutMillis: 2_000 },
    });
    const error = await store
      .set('k', 'secret-token-value', { expectedVersion: 0 })
      .catch((e: unknown) => e);
    expect(isStorageError(error, 'backend')).toBe(true);
    expect(JSON.stringify(error)).not.toContain('secret-token-value');
    await store.close();
  });

  it('rejects options that cannot work', () => {
    expect(() => createPostgresStore({} as never)).toThrow(
      /\[hh-oauth\/storage-postgres\] pass either/,
    );
    for (const tableName of ['Tokens', 'a;drop table x', 'a.b.c', '"quoted"', '']) {
      expect(() => createPostgresStore({ pool: raw, tableName })).toThrow(/tableName/);
    }
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000' as never]) {
      expect(() => createPostgresStore({ pool: raw, timeoutMs })).toThrow(
        /\[hh-oauth\/storage-postgres\] timeoutMs must be a positive number of ms/,
      );
    }
  });
});
