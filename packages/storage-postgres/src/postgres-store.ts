/**
 * The PostgreSQL store: every operation is one statement, so PostgreSQL's row locks make it
 * atomic across processes, connections and machines (READ COMMITTED is enough: a statement that
 * waited for a row lock re-checks its WHERE on the row's newest version).
 *
 * - compare-and-set: `INSERT … ON CONFLICT DO UPDATE … WHERE <expired>` to create,
 *   `UPDATE … WHERE version = $n` to update;
 * - consume-once: `DELETE … RETURNING value`;
 * - locks: a row with owner and expiry, taken by `INSERT … ON CONFLICT DO UPDATE WHERE <expired>`,
 *   released by `DELETE … WHERE owner = $2`;
 * - expiry: `expires_at` against the database's `now()`, one clock for every client.
 *
 * @see https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT PostgreSQL: ON CONFLICT
 * @see https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED PostgreSQL: Read Committed
 */
import {
  assertDeleteOptions,
  assertKey,
  assertLockOptions,
  assertOwner,
  assertSetArguments,
  createLockOwner,
  type DeleteOptions,
  type LockOptions,
  type SetOptions,
  StorageError,
  type StoredEntry,
  type TokenStore,
  ttlToMs,
} from '@hh-oauth/storage';
import pg from 'pg';
import { isTableName, migrationSql, quoteName } from './schema.js';

/** What the store needs of a pool: `query`. A `pg.Pool` (or a `pg.Client`). */
export type Queryable = Pick<pg.Pool, 'query'>;

interface CommonOptions {
  /** The entries table; locks go to `<tableName>_locks`. Lower-case, optionally `schema.table`. Default `hh_oauth_entries`. */
  readonly tableName?: string;
  /** Create the tables on first use (default true). With false, call `migrate()` yourself or manage the schema. */
  readonly autoMigrate?: boolean;
}

export interface PostgresConnectionOptions extends CommonOptions {
  /** e.g. `postgresql://user@host:5432/db`; the store opens, and on close() ends, its own pool. */
  readonly connectionString: string;
  /** More `pg.Pool` options for the pool the store creates. */
  readonly poolOptions?: pg.PoolConfig;
}

export interface PostgresPoolOptions extends CommonOptions {
  /** Your `pg.Pool` (or `pg.Client`); the store never ends it. */
  readonly pool: Queryable;
}

export type PostgresStoreOptions = PostgresConnectionOptions | PostgresPoolOptions;

/** A `TokenStore` with an explicit, idempotent migration. */
export interface PostgresTokenStore extends TokenStore {
  /** Creates the tables when missing; safe to run from many processes at once. */
  migrate(): Promise<void>;
}

const NAME = 'postgres';
/** Expired rows are deleted every this many writes of a store (in batches), so tables stay small. */
const SWEEP_EVERY = 200;

/**
 * A pg error, made safe to keep as `cause`: its `detail`, `where` and the like may quote row data
 * (keys, values), so only name, SQLSTATE code and message are kept.
 */
function sanitize(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('non-error thrown by pg');
  const safe = new Error(error.message);
  safe.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(safe, { code });
  return safe;
}

/** Creates a token store on PostgreSQL (node-postgres 8). */
export function createPostgresStore(options: PostgresStoreOptions): PostgresTokenStore {
  const table = options.tableName ?? 'hh_oauth_entries';
  if (typeof table !== 'string' || !isTableName(table)) {
    throw new StorageError(
      NAME,
      'invalid_argument',
      'tableName must be a lower-case SQL identifier, optionally schema-qualified',
    );
  }
  let pool: Queryable;
  let owned: pg.Pool | undefined;
  if ('pool' in options && options.pool !== undefined) {
    if (typeof options.pool?.query !== 'function') {
      throw new StorageError(NAME, 'invalid_argument', 'pool must be a pg.Pool or pg.Client');
    }
    pool = options.pool;
  } else if (
    'connectionString' in options &&
    typeof options.connectionString === 'string' &&
    options.connectionString.length > 0
  ) {
    owned = new pg.Pool({
      max: 4,
      ...options.poolOptions,
      connectionString: options.connectionString,
    });
    // Idle clients that lose their connection emit 'error' on the pool; callers see failed queries.
    owned.on('error', () => undefined);
    pool = owned;
  } else {
    throw new StorageError(
      NAME,
      'invalid_argument',
      'pass either { connectionString } or { pool }',
    );
  }

  const entries = quoteName(table);
  const locks = quoteName(`${table}_locks`);
  const ttl = (ttlMs: number | undefined): number | null =>
    ttlMs === undefined ? null : ttlToMs(ttlMs);
  const EXPIRES = `CASE WHEN $T::bigint IS NULL THEN NULL ELSE now() + $T::bigint * interval '1 millisecond' END`;
  const live = (alias: string): string =>
    `(${alias}.expires_at IS NULL OR ${alias}.expires_at > now())`;

  const sql = {
    get: `SELECT value, version FROM ${entries} e WHERE key = $1 AND ${live('e')}`,
    create: `INSERT INTO ${entries} AS e (key, value, version, expires_at)
      VALUES ($1, $2, 1, ${EXPIRES.replaceAll('$T', '$3')})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = 1, expires_at = EXCLUDED.expires_at
      WHERE NOT ${live('e')}
      RETURNING version`,
    update: `UPDATE ${entries} e SET value = $2, version = version + 1,
      expires_at = ${EXPIRES.replaceAll('$T', '$4')}
      WHERE key = $1 AND version = $3 AND ${live('e')}
      RETURNING version`,
    delete: `DELETE FROM ${entries} e WHERE key = $1 AND ($2::bigint IS NULL OR version = $2::bigint) AND ${live('e')}`,
    take: `DELETE FROM ${entries} e WHERE key = $1 AND ${live('e')} RETURNING value`,
    lock: `INSERT INTO ${locks} AS l (key, owner, expires_at)
      VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE l.expires_at <= now()
      RETURNING owner`,
    unlock: `DELETE FROM ${locks} WHERE key = $1 AND owner = $2 AND expires_at > now()`,
    sweep: `WITH gone AS (DELETE FROM ${entries} WHERE key IN (
        SELECT key FROM ${entries} WHERE expires_at <= now() LIMIT 500)),
      gone_locks AS (DELETE FROM ${locks} WHERE key IN (
        SELECT key FROM ${locks} WHERE expires_at <= now() LIMIT 500))
      SELECT 1`,
  };

  let closed = false;
  let migrated: Promise<void> | undefined;
  let writes = 0;

  const fail = (error: unknown, doing: string): never => {
    if (error instanceof StorageError) throw error;
    throw new StorageError(NAME, 'backend', `${doing} failed`, { cause: sanitize(error) });
  };

  const migrate = (): Promise<void> => {
    migrated ??= pool.query(migrationSql(table)).then(
      () => undefined,
      (error: unknown) => {
        migrated = undefined;
        return fail(error, `creating table ${table}`);
      },
    );
    return migrated;
  };

  const query = async (doing: string, text: string, values: unknown[]): Promise<pg.QueryResult> => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
    if (options.autoMigrate !== false) await migrate();
    try {
      return await pool.query(text, values);
    } catch (error) {
      return fail(error, doing);
    }
  };

  const wrote = (): void => {
    writes += 1;
    if (writes % SWEEP_EVERY === 0) void pool.query(sql.sweep).catch(() => undefined);
  };

  const open = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  return {
    name: NAME,
    migrate,

    async get(key: string): Promise<StoredEntry | undefined> {
      open();
      assertKey(NAME, key);
      const { rows } = await query('reading an entry', sql.get, [key]);
      const row = rows[0] as { value: string; version: string } | undefined;
      return row === undefined ? undefined : { value: row.value, version: Number(row.version) };
    },

    async set(key: string, value: string, setOptions: SetOptions): Promise<number | undefined> {
      open();
      assertKey(NAME, key);
      assertSetArguments(NAME, value, setOptions);
      const { expectedVersion } = setOptions;
      const result =
        expectedVersion === 0
          ? await query('writing an entry', sql.create, [key, value, ttl(setOptions.ttlMs)])
          : await query('writing an entry', sql.update, [
              key,
              value,
              expectedVersion,
              ttl(setOptions.ttlMs),
            ]);
      const row = result.rows[0] as { version: string } | undefined;
      if (row === undefined) return undefined;
      wrote();
      return Number(row.version);
    },

    async delete(key: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertDeleteOptions(NAME, deleteOptions);
      const { rowCount } = await query('deleting an entry', sql.delete, [
        key,
        deleteOptions?.expectedVersion ?? null,
      ]);
      return (rowCount ?? 0) > 0;
    },

    async take(key: string): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      const { rows } = await query('taking an entry', sql.take, [key]);
      return (rows[0] as { value: string } | undefined)?.value;
    },

    async tryLock(key: string, lockOptions: LockOptions): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      assertLockOptions(NAME, lockOptions);
      const owner = createLockOwner();
      const { rows } = await query('taking a lock', sql.lock, [
        key,
        owner,
        ttlToMs(lockOptions.ttlMs),
      ]);
      if (rows.length === 0) return undefined;
      wrote();
      return owner;
    },

    async unlock(key: string, owner: string): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      const { rowCount } = await query('releasing a lock', sql.unlock, [key, owner]);
      return (rowCount ?? 0) > 0;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await owned?.end();
    },
  };
}
