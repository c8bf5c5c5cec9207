/**
 * The PostgreSQL store: every operation is one statement, so PostgreSQL's row locks make it
 * atomic across processes, connections and machines (READ COMMITTED is enough: a statement that
 * waited for a row lock re-checks its WHERE on the row's newest version).
 *
 * - compare-and-set: `INSERT … ON CONFLICT DO UPDATE … WHERE <expired>` to create,
 *   `UPDATE … WHERE version = $n` to update;
 * - consume-once: `DELETE … RETURNING value`;
 * - locks: a row with owner and expiry, taken by `INSERT … ON CONFLICT DO UPDATE WHERE <expired>`,
 *   extended by `UPDATE … WHERE owner = $2 AND <live>`, released by `DELETE … WHERE owner = $2`;
 * - expiry: `expires_at` against the database's `now()`, one clock for every client.
 *
 * Every call settles within `timeoutMs`: it races a timer whatever pool it runs on (a pool's wait
 * for a free connection has no other bound), each query carries a client-side `query_timeout`, and
 * a pool the store creates also has the server-side timeouts (see `ownPoolTimeouts`), so that
 * the server itself gives up on statements nobody waits for any more.
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
  DEFAULT_TIMEOUT_MS,
  type DeleteOptions,
  type LockOptions,
  type SetOptions,
  StorageError,
  type StoredEntry,
  settleWithin,
  type TokenStore,
  timeoutError,
  timeoutOption,
  ttlToMs,
} from '@hh-oauth/storage/adapter';
import pg from 'pg';
import { channelFor, createListener, type Listening } from './listener.js';
import { isTableName, migrationSql, quoteName } from './schema.js';

/** What the store needs of a pool: `query`. A `pg.Pool` (or a `pg.Client`). */
export type Queryable = Pick<pg.Pool, 'query'>;

interface CommonOptions {
  /** The entries table; locks go to `<tableName>_locks`. Lower-case, optionally `schema.table`. Default `hh_oauth_entries`. */
  readonly tableName?: string;
  /** Create the tables on first use (default true). With false, call `migrate()` yourself or manage the schema. */
  readonly autoMigrate?: boolean;
  /**
   * No call takes longer than this, in ms: past it the call fails with a `timeout` StorageError
   * (`lock_timeout` when a row or table lock held by someone else made it wait). Default 5000.
   */
  readonly timeoutMs?: number;
}

export interface PostgresConnectionOptions extends CommonOptions {
  /** e.g. `postgresql://user@host:5432/db`; the store opens, and on close() ends, its own pool. */
  readonly connectionString: string;
  /** More `pg.Pool` options for the pool the store creates; they override the store's defaults. */
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
  /**
   * Deletes up to `limit` expired entries and up to `limit` expired locks (default 500 each), by
   * the index on `expires_at`; resolves to how many rows went. The store already runs it every
   * 200 writes; call it from a scheduled job too when few writes happen, until it returns 0.
   */
  sweep(options?: { readonly limit?: number }): Promise<number>;
}

const NAME = 'postgres';
/** Expired rows are deleted every this many writes of a store (in batches), so tables stay small. */
const SWEEP_EVERY = 200;
/** The most expired rows of each table one sweep deletes: a bounded statement, short row locks. */
const SWEEP_LIMIT = 500;

/**
 * Timeouts of a pool the store creates, so that neither side waits unboundedly:
 * - `connectionTimeoutMillis`: a connection attempt (and the wait for a free pooled client);
 * - `query_timeout`: the client stops waiting for a reply (and drops that connection);
 * - `statement_timeout`: the server cancels a statement, so a timed-out write is not applied
 *   later behind its caller's back;
 * - `lock_timeout`, half the budget: a statement waiting for a row or table lock held by someone
 *   else is cancelled first and reported as `lock_timeout` (nothing was written), before the
 *   budget runs out and the outcome would be unknown.
 */
function ownPoolTimeouts(timeoutMs: number): pg.PoolConfig {
  return {
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    lock_timeout: Math.max(1, Math.ceil(timeoutMs / 2)),
  };
}

/** One store call in progress: `expired` once its deadline passed. */
interface Call {
  expired: boolean;
}

/** pg's messages for its client-side timeouts: the query, the pool's wait, the connection. */
const PG_TIMEOUTS = new Set([
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
]);
/** SQLSTATE query_canceled: statement_timeout (or a cancel request). */
const QUERY_CANCELED = '57014';
/** SQLSTATE lock_not_available: lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

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
  const timeoutMs = timeoutOption(NAME, options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS);
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
      max: 5, // 4 for queries, 1 kept for LISTEN once the store watches
      ...ownPoolTimeouts(timeoutMs),
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

  const channel = channelFor(table);
  /** The statement, and a wake-up on the table's channel for each row it changed (at commit). */
  const notifying = (statement: string): string =>
    `WITH changed AS (${statement}) SELECT *, pg_notify('${channel}', key) FROM changed`;

  const sql = {
    get: `SELECT value, version FROM ${entries} e WHERE key = $1 AND ${live('e')}`,
    create: notifying(`INSERT INTO ${entries} AS e (key, value, version, expires_at)
      VALUES ($1, $2, 1, ${EXPIRES.replaceAll('$T', '$3')})
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = 1, expires_at = EXCLUDED.expires_at
      WHERE NOT ${live('e')}
      RETURNING key, version`),
    update: notifying(`UPDATE ${entries} e SET value = $2, version = version + 1,
      expires_at = ${EXPIRES.replaceAll('$T', '$4')}
      WHERE key = $1 AND version = $3 AND ${live('e')}
      RETURNING key, version`),
    delete: notifying(
      `DELETE FROM ${entries} e WHERE key = $1 AND ($2::bigint IS NULL OR version = $2::bigint) AND ${live('e')} RETURNING key`,
    ),
    take: notifying(
      `DELETE FROM ${entries} e WHERE key = $1 AND ${live('e')} RETURNING key, value`,
    ),
    lock: `INSERT INTO ${locks} AS l (key, owner, expires_at)
      VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
      WHERE l.expires_at <= now()
      RETURNING owner`,
    extend: `UPDATE ${locks} SET expires_at = now() + $3::bigint * interval '1 millisecond'
      WHERE key = $1 AND owner = $2 AND expires_at > now()`,
    unlock: notifying(
      `DELETE FROM ${locks} WHERE key = $1 AND owner = $2 AND expires_at > now() RETURNING key`,
    ),
    sweep: `WITH gone AS (DELETE FROM ${entries} WHERE key IN (
        SELECT key FROM ${entries} WHERE expires_at <= now() LIMIT $1::int) RETURNING 1),
      gone_locks AS (DELETE FROM ${locks} WHERE key IN (
        SELECT key FROM ${locks} WHERE expires_at <= now() LIMIT $1::int) RETURNING 1)
      SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM gone_locks) AS deleted`,
  };

  let closed = false;
  let migrated: Promise<void> | undefined;
  let writes = 0;

  const fail = (error: unknown, doing: string): never => {
    if (error instanceof StorageError) throw error;
    const cause = sanitize(error);
    const code = (error as { code?: unknown } | undefined)?.code;
    if (code === LOCK_NOT_AVAILABLE) {
      throw new StorageError(
        NAME,
        'lock_timeout',
        `${doing} waited too long for a lock held by another session; nothing was written`,
        { cause },
      );
    }
    if (code === QUERY_CANCELED || (error instanceof Error && PG_TIMEOUTS.has(error.message))) {
      throw timeoutError(NAME, doing, timeoutMs, { cause });
    }
    throw new StorageError(NAME, 'backend', `${doing} failed`, { cause });
  };

  /**
   * One query on the pool. An injected pool gets the client-side timeout per query; a pool the
   * store created has it (and the server-side ones) in its configuration.
   */
  const send = (text: string, values?: unknown[]): Promise<pg.QueryResult> =>
    owned === undefined
      ? pool.query({ text, values, query_timeout: timeoutMs } as pg.QueryConfig)
      : pool.query(text, values);

  /**
   * `work`'s outcome as the store reports it, within `timeoutMs` whatever the pool does. `work`
   * is told when its deadline passed (`call.expired`), so that it sends nothing more after that.
   */
  const bounded = <T>(doing: string, work: (call: Call) => Promise<T>): Promise<T> => {
    const call: Call = { expired: false };
    return settleWithin(
      work(call).catch((error: unknown) => fail(error, doing)),
      timeoutMs,
      () => {
        call.expired = true;
        return timeoutError(NAME, doing, timeoutMs);
      },
    );
  };

  const migrate = (): Promise<void> => {
    if (closed) return Promise.reject(new StorageError(NAME, 'closed', 'the store is closed'));
    migrated ??= bounded(`creating table ${table}`, () => send(migrationSql(table))).then(
      () => undefined,
      (error: unknown) => {
        migrated = undefined;
        throw error;
      },
    );
    return migrated;
  };

  const query = async (doing: string, text: string, values: unknown[]): Promise<pg.QueryResult> => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
    return bounded(doing, async (call) => {
      if (options.autoMigrate !== false) await migrate();
      // A migration that outlasted the deadline: the caller was told this call failed, so the
      // statement is not sent behind its back.
      if (call.expired) throw timeoutError(NAME, doing, timeoutMs);
      return send(text, values);
    });
  };

  const wrote = (): void => {
    writes += 1;
    if (writes % SWEEP_EVERY === 0) void send(sql.sweep, [SWEEP_LIMIT]).catch(() => undefined);
  };

  const open = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  /**
   * The connection wake-ups LISTEN on: one client of the pool, kept while the store watches
   * (an injected `pg.Client` is used as it is).
   */
  const connectListening = async (): Promise<Listening> => {
    if (options.autoMigrate !== false) await migrate();
    const source = pool as Partial<pg.Pool> & Partial<pg.Client>;
    if (typeof source.connect === 'function' && 'totalCount' in source) {
      const client = await (source as pg.Pool).connect();
      return { client, release: (broken) => client.release(broken) };
    }
    if (typeof source.on === 'function') {
      return { client: source as pg.Client, release: () => undefined };
    }
    throw new StorageError(NAME, 'invalid_argument', 'wake-ups need a pg.Pool or a pg.Client');
  };
  const listener = createListener(channel, connectListening, (doing, work) =>
    bounded(doing, () => work()),
  );

  return {
    name: NAME,
    migrate,

    async sweep(sweepOptions?: { readonly limit?: number }): Promise<number> {
      const limit = sweepOptions?.limit ?? SWEEP_LIMIT;
      if (!Number.isSafeInteger(limit) || limit <= 0) {
        throw new StorageError(NAME, 'invalid_argument', 'limit must be a positive integer');
      }
      const { rows } = await query('sweeping expired rows', sql.sweep, [limit]);
      return Number((rows[0] as { deleted: string }).deleted);
    },

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

    async extendLock(key: string, owner: string, lockOptions: LockOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      assertLockOptions(NAME, lockOptions);
      const { rowCount } = await query('extending a lock', sql.extend, [
        key,
        owner,
        ttlToMs(lockOptions.ttlMs),
      ]);
      return (rowCount ?? 0) > 0;
    },

    async unlock(key: string, owner: string): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      const { rowCount } = await query('releasing a lock', sql.unlock, [key, owner]);
      return (rowCount ?? 0) > 0;
    },

    async watch(key: string, onChange: () => void): Promise<() => void> {
      open();
      assertKey(NAME, key);
      if (typeof onChange !== 'function') {
        throw new StorageError(NAME, 'invalid_argument', 'onChange must be a function');
      }
      return listener.watch(key, onChange);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await listener.close().catch(() => undefined);
      if (owned === undefined) return;
      // end() waits for checked-out clients; each of those gives up by its query_timeout.
      await settleWithin(owned.end(), timeoutMs, () =>
        timeoutError(NAME, 'closing the pool', timeoutMs),
      );
    },
  };
}
