import { type PostgresTestServer, startPostgresServer } from '@hh-oauth/test-servers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../src/index.js';

let server: PostgresTestServer;
let raw: pg.Pool;

beforeAll(async () => {
  server = await startPostgresServer();
  raw = new pg.Pool({ connectionString: server.connectionString, max: 2 });
  // end() resolves before its connections have closed: see postgres-store.test.ts.
  raw.on('error', () => undefined);
}, 120_000);
afterAll(async () => {
  await raw?.end();
  await server?.stop();
});

describe('the PostgreSQL store’s cleanup', () => {
  it('sweeps expired entries and locks in bounded batches, by an index on expires_at, and keeps live rows', async () => {
    const tableName = 'sweep_test';
    const store = createPostgresStore({ pool: raw, tableName });
    await store.migrate();
    // 25 entries and 3 locks already expired (backdated in SQL), 5 live entries.
    await raw.query(
      `INSERT INTO ${tableName} (key, value, version, expires_at)
       SELECT 'old:' || n, 'v', 1, now() - interval '1 hour' FROM generate_series(1, 25) n`,
    );
    await raw.query(
      `INSERT INTO ${tableName}_locks (key, owner, expires_at)
       SELECT 'old:' || n, 'o', now() - interval '1 hour' FROM generate_series(1, 3) n`,
    );
    for (let n = 0; n < 5; n++) {
      await store.set(`live:${n}`, 'v', { expectedVersion: 0, ttlMs: 60_000 });
    }
    const { rows: plan } = await raw.query(
      `EXPLAIN SELECT key FROM ${tableName} WHERE expires_at <= now() LIMIT 10`,
    );
    const indexes = await raw.query(`SELECT indexdef FROM pg_indexes WHERE tablename = $1`, [
      tableName,
    ]);
    expect(indexes.rows.map((row) => row.indexdef).join('\n')).toMatch(/\(expires_at\)/);
    expect(plan.length).toBeGreaterThan(0);
    expect(await store.sweep({ limit: 10 })).toBe(13); // 10 entries + 3 locks
    expect(await store.sweep({ limit: 10 })).toBe(10);
    expect(await store.sweep({ limit: 10 })).toBe(5);
    expect(await store.sweep()).toBe(0);
    const { rows } = await raw.query(`SELECT count(*)::int AS n FROM ${tableName}`);
    expect(rows[0].n).toBe(5);
    await expect(store.sweep({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await store.close();
  });
});
