/**
 * The Redis store: entries, versions and TTLs live in Redis, so compare-and-set, consume-once and
 * the lock hold across processes and machines. Compare-and-set, `delete` with a version and `take`
 * are Lua scripts (atomic on the server); the lock is `SET key owner NX PX ttl` and is released by a
 * Lua compare-and-delete (and extended by a Lua compare-and-PEXPIRE); TTLs are Redis's own key
 * expiry.
 *
 * Every call settles within `timeoutMs`: it races a timer, whatever client it runs on, so a Redis
 * that stopped answering (SIGSTOP, a network partition, a full failover) yields a `timeout`
 * StorageError instead of a promise that never settles. For a client it creates from a URL the
 * store also sets ioredis' own bounds (see `ownClientOptions`), so no command waits forever
 * inside ioredis either.
 */
import { createHash } from 'node:crypto';
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
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { Cluster, Redis } from 'ioredis';
import { createDeadlines } from './deadlines.js';
import { keyLayout } from './key-layout.js';
import { DELETE_SCRIPT, EXTEND_SCRIPT, SET_SCRIPT, TAKE_SCRIPT, UNLOCK_SCRIPT } from './scripts.js';
import { createWatcher } from './watcher.js';

interface CommonOptions {
  /**
   * Prepended to every Redis key and channel this store uses: `<keyPrefix>data{<key>}`,
   * `<keyPrefix>lock{<key>}`, `<keyPrefix>changed{<key>}` (see the README's key layout). Must not
   * contain `{` or `}`. Default `''`: `@hh-oauth/client` already prefixes its keys (`hh-oauth:`).
   */
  readonly keyPrefix?: string;
  /**
   * No call takes longer than this, in ms: past it the call fails with a `timeout` StorageError
   * (a write that timed out may still be applied when Redis wakes up: read again). Default 5000.
   */
  readonly timeoutMs?: number;
}

export interface RedisUrlOptions extends CommonOptions {
  /** e.g. `redis://127.0.0.1:6379/0` or `rediss://…`; the store opens and, on close(), quits its own client. */
  readonly url: string;
  /** More ioredis options for the client the store creates; they override the store's defaults. */
  readonly redisOptions?: RedisOptions;
}

export interface RedisClusterOptions extends CommonOptions {
  /**
   * A Redis Cluster: some of its nodes (ioredis finds the rest). The store opens and, on close(),
   * quits its own ioredis `Cluster`.
   */
  readonly cluster: {
    readonly nodes: readonly (string | { readonly host: string; readonly port: number })[];
    /** More ioredis `Cluster` options; they override the store's defaults. */
    readonly options?: ClusterOptions;
  };
}

export interface RedisClientOptions extends CommonOptions {
  /**
   * Your ioredis client: a `Redis` (one server, or a Sentinel-managed set: `new Redis({ sentinels,
   * name })`) or a `Cluster`. The store never quits it. Its own `keyPrefix` applies too.
   */
  readonly client: Redis | Cluster;
}

export type RedisStoreOptions = RedisUrlOptions | RedisClusterOptions | RedisClientOptions;

const NAME = 'redis';
const READING = 'reading an entry';

interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});

const SCRIPTS = {
  set: script(SET_SCRIPT),
  delete: script(DELETE_SCRIPT),
  take: script(TAKE_SCRIPT),
  unlock: script(UNLOCK_SCRIPT),
  extend: script(EXTEND_SCRIPT),
};

/**
 * ioredis options for a client the store creates, so that no command waits unboundedly inside
 * ioredis (its defaults: no command timeout, 20 reconnection attempts per queued command):
 * - `connectTimeout`, `commandTimeout`: a connection attempt and a command, each `timeoutMs`. The
 *   command timer starts when the command is issued, so it covers commands waiting in the offline
 *   queue for a connection too;
 * - the offline queue stays on (commands issued while connecting wait for the connection instead
 *   of failing at once), but `maxRetriesPerRequest: 1` fails queued commands after the first
 *   failed reconnection attempt: Redis is down, say so (`backend`) rather than wait;
 * - `autoResendUnfulfilledCommands: false`: a command whose reply was lost with its connection is
 *   not sent again after reconnecting. Its caller was already told it failed; a resent `take`
 *   would consume a value nobody receives, a resent compare-and-set would land unannounced.
 */
function ownClientOptions(timeoutMs: number): RedisOptions {
  return {
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: false,
  };
}

/**
 * ioredis `Cluster` options for a cluster the store creates: a command that meets a MOVED or ASK
 * (slots moving, a failover) or a cluster that is down is retried by ioredis after a short pause,
 * within the store's deadline (`timeoutMs`) that every call races anyway.
 */
function ownClusterOptions(): ClusterOptions {
  return { retryDelayOnMoved: 10, retryDelayOnFailover: 50, retryDelayOnClusterDown: 50 };
}

/** One store call in progress: `expired` once its deadline passed. */
interface Call {
  expired: boolean;
}

/** ioredis' message for a command that passed its `commandTimeout`. */
const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * An error from ioredis, made safe to keep as `cause`: ioredis attaches the failed command and its
 * arguments (values, i.e. tokens) to reply errors, so only name, code and message are kept.
 */
function sanitize(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('non-error thrown by ioredis');
  const safe = new Error(error.message);
  safe.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(safe, { code });
  return safe;
}

/** Creates a token store on Redis (ioredis 5 or 6). */
export function createRedisStore(options: RedisStoreOptions): TokenStore {
  const layout = keyLayout(NAME, options.keyPrefix ?? '');
  const timeoutMs = timeoutOption(NAME, options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS);
  let client: Redis | Cluster;
  let owned: boolean;
  if ('client' in options && options.client !== undefined) {
    if (typeof options.client?.evalsha !== 'function') {
      throw new StorageError(
        NAME,
        'invalid_argument',
        'client must be an ioredis Redis or Cluster',
      );
    }
    client = options.client;
    owned = false;
  } else if ('cluster' in options && options.cluster !== undefined) {
    const nodes = options.cluster?.nodes;
    if (!Array.isArray(nodes) || nodes.length === 0) {
      throw new StorageError(NAME, 'invalid_argument', 'cluster.nodes must list at least one node');
    }
    // ioredis' own option types do not hold under exactOptionalPropertyTypes; the shape is theirs.
    client = new Cluster(
      [...nodes] as never,
      {
        redisOptions: ownClientOptions(timeoutMs),
        ...ownClusterOptions(),
        ...options.cluster.options,
      } as never,
    );
    client.on('error', () => undefined);
    owned = true;
  } else if ('url' in options && typeof options.url === 'string' && options.url.length > 0) {
    try {
      client = new Redis(options.url, {
        ...ownClientOptions(timeoutMs),
        ...options.redisOptions,
      } as never);
      // Failures reach callers as rejected commands; without a listener ioredis also logs them.
      client.on('error', () => undefined);
    } catch (error) {
      throw new StorageError(NAME, 'invalid_argument', 'url is not a usable Redis URL', {
        cause: sanitize(error),
      });
    }
    owned = true;
  } else {
    throw new StorageError(NAME, 'invalid_argument', 'pass { url }, { cluster } or { client }');
  }
  const { data: dataKey, lock: lockKey, channel: channelOf } = layout;
  let closed = false;

  const open = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  const fail = (error: unknown, doing: string): never => {
    if (error instanceof StorageError) throw error;
    if (error instanceof Error && error.message === COMMAND_TIMED_OUT) {
      throw timeoutError(NAME, doing, timeoutMs, { cause: sanitize(error) });
    }
    throw new StorageError(NAME, 'backend', `${doing} failed`, { cause: sanitize(error) });
  };

  /**
   * `work`'s outcome as the store reports it, within `timeoutMs` whatever the client does. `work`
   * is told when its deadline passed (`call.expired`), so that it sends nothing more after that.
   */
  const bounded = <T>(doing: string, work: (call: Call) => Promise<T>): Promise<T> => {
    const call: Call = { expired: false };
    let running: Promise<T>;
    try {
      running = work(call);
    } catch (error) {
      running = Promise.reject(error);
    }
    return settleWithin(
      running.catch((error: unknown) => fail(error, doing)),
      timeoutMs,
      () => {
        call.expired = true;
        return timeoutError(NAME, doing, timeoutMs);
      },
    );
  };

  /**
   * EVALSHA, falling back to EVAL once when the server has not cached the script (NOSCRIPT) — but
   * not after the deadline: the caller was told the call failed, a late EVAL would write unseen.
   */
  const run = async (
    call: Call,
    which: Script,
    key: string,
    args: readonly string[],
  ): Promise<unknown> => {
    try {
      return await client.evalsha(which.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT') || call.expired) {
        throw error;
      }
      return client.eval(which.source, 1, key, ...args);
    }
  };

  const reads = createDeadlines(timeoutMs);
  const watcher = createWatcher(client, (doing, work) => bounded(doing, work));

  return {
    name: NAME,

    // The client's hot path reads here: one promise, no async layers, and the deadline kept by
    // the store's one timer (see deadlines.ts) rather than a timer per call.
    get(key: string): Promise<StoredEntry | undefined> {
      try {
        open();
        assertKey(NAME, key);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<StoredEntry | undefined>((resolve, reject) => {
        const deadline = reads.track(() => reject(timeoutError(NAME, READING, timeoutMs)));
        client.get(dataKey(key)).then(
          (reply) => {
            if (!reads.settle(deadline)) return;
            if (reply === null) return resolve(undefined);
            const sep = reply.indexOf(':');
            if (sep <= 0) {
              return reject(new StorageError(NAME, 'corrupt', 'an entry is not <version>:<value>'));
            }
            resolve({ value: reply.slice(sep + 1), version: Number(reply.slice(0, sep)) });
          },
          (error: unknown) => {
            if (!reads.settle(deadline)) return;
            try {
              fail(error, READING);
            } catch (failure) {
              reject(failure);
            }
          },
        );
      });
    },

    async set(key: string, value: string, setOptions: SetOptions): Promise<number | undefined> {
      open();
      assertKey(NAME, key);
      assertSetArguments(NAME, value, setOptions);
      const ttl = setOptions.ttlMs === undefined ? '' : String(ttlToMs(setOptions.ttlMs));
      const reply = await bounded('writing an entry', (call) =>
        run(call, SCRIPTS.set, dataKey(key), [
          value,
          String(setOptions.expectedVersion),
          ttl,
          channelOf(key),
        ]),
      );
      return typeof reply === 'number' ? reply : undefined;
    },

    async delete(key: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertDeleteOptions(NAME, deleteOptions);
      const expected = deleteOptions?.expectedVersion;
      const reply = await bounded('deleting an entry', (call) =>
        run(call, SCRIPTS.delete, dataKey(key), [
          expected === undefined ? '' : String(expected),
          channelOf(key),
        ]),
      );
      return reply === 1;
    },

    async take(key: string): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      const reply = await bounded('taking an entry', (call) =>
        run(call, SCRIPTS.take, dataKey(key), [channelOf(key)]),
      );
      return typeof reply === 'string' ? reply : undefined;
    },

    async tryLock(key: string, lockOptions: LockOptions): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      assertLockOptions(NAME, lockOptions);
      const owner = createLockOwner();
      const reply = await bounded('taking a lock', () =>
        client.set(lockKey(key), owner, 'PX', ttlToMs(lockOptions.ttlMs), 'NX'),
      );
      return reply === 'OK' ? owner : undefined;
    },

    async extendLock(key: string, owner: string, lockOptions: LockOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      assertLockOptions(NAME, lockOptions);
      const reply = await bounded('extending a lock', (call) =>
        run(call, SCRIPTS.extend, lockKey(key), [owner, String(ttlToMs(lockOptions.ttlMs))]),
      );
      return reply === 1;
    },

    async unlock(key: string, owner: string): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      const reply = await bounded('releasing a lock', (call) =>
        run(call, SCRIPTS.unlock, lockKey(key), [owner, channelOf(key)]),
      );
      return reply === 1;
    },

    async watch(key: string, onChange: () => void): Promise<() => void> {
      open();
      assertKey(NAME, key);
      if (typeof onChange !== 'function') {
        throw new StorageError(NAME, 'invalid_argument', 'onChange must be a function');
      }
      return watcher.watch(channelOf(key), onChange);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      watcher.close();
      if (!owned) return;
      // QUIT waits for Redis's answer; a Redis that stopped answering is cut off instead.
      await settleWithin(client.quit(), timeoutMs, () => new Error('QUIT timed out')).catch(() =>
        client.disconnect(),
      );
    },
  };
}
