/**
 * The Redis store: entries, versions and TTLs live in Redis, so compare-and-set, consume-once and
 * the lock hold across processes and machines. Compare-and-set, `delete` with a version and `take`
 * are Lua scripts (atomic on the server); the lock is `SET key owner NX PX ttl` and is released by a
 * Lua compare-and-delete; TTLs are Redis's own key expiry.
 */
import { createHash } from 'node:crypto';
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
import type { Cluster, RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { DELETE_SCRIPT, SET_SCRIPT, TAKE_SCRIPT, UNLOCK_SCRIPT } from './scripts.js';

interface CommonOptions {
  /** Prepended to every key this store writes: `<keyPrefix>data:<key>`, `<keyPrefix>lock:<key>`. Default `hh-oauth:`. */
  readonly keyPrefix?: string;
}

export interface RedisUrlOptions extends CommonOptions {
  /** e.g. `redis://127.0.0.1:6379/0` or `rediss://…`; the store opens and, on close(), quits its own client. */
  readonly url: string;
  /** More ioredis options for the client the store creates. */
  readonly redisOptions?: RedisOptions;
}

export interface RedisClientOptions extends CommonOptions {
  /** Your ioredis client (or Cluster); the store never quits it. Its own `keyPrefix` applies too. */
  readonly client: Redis | Cluster;
}

export type RedisStoreOptions = RedisUrlOptions | RedisClientOptions;

const NAME = 'redis';

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
};

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
  const keyPrefix = options.keyPrefix ?? 'hh-oauth:';
  if (typeof keyPrefix !== 'string') {
    throw new StorageError(NAME, 'invalid_argument', 'keyPrefix must be a string');
  }
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
  } else if ('url' in options && typeof options.url === 'string' && options.url.length > 0) {
    try {
      // ioredis' own option types do not hold under exactOptionalPropertyTypes; the shape is theirs.
      client = new Redis(options.url, (options.redisOptions ?? {}) as never);
      // Failures reach callers as rejected commands; without a listener ioredis also logs them.
      client.on('error', () => undefined);
    } catch (error) {
      throw new StorageError(NAME, 'invalid_argument', 'url is not a usable Redis URL', {
        cause: sanitize(error),
      });
    }
    owned = true;
  } else {
    throw new StorageError(NAME, 'invalid_argument', 'pass either { url } or { client }');
  }
  const dataKey = (key: string): string => `${keyPrefix}data:${key}`;
  const lockKey = (key: string): string => `${keyPrefix}lock:${key}`;
  let closed = false;

  const open = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  const fail = (error: unknown, doing: string): never => {
    throw new StorageError(NAME, 'backend', `${doing} failed`, { cause: sanitize(error) });
  };

  /** EVALSHA, falling back to EVAL once when the server has not cached the script (NOSCRIPT). */
  const run = async (which: Script, key: string, args: readonly string[]): Promise<unknown> => {
    try {
      return await client.evalsha(which.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(which.source, 1, key, ...args);
    }
  };

  return {
    name: NAME,

    // Not async: the client's hot path reads here, and each promise hop costs on loopback.
    get(key: string): Promise<StoredEntry | undefined> {
      try {
        open();
        assertKey(NAME, key);
      } catch (error) {
        return Promise.reject(error);
      }
      return client.get(dataKey(key)).then(
        (reply) => {
          if (reply === null) return undefined;
          const sep = reply.indexOf(':');
          if (sep <= 0)
            throw new StorageError(NAME, 'corrupt', 'an entry is not <version>:<value>');
          return { value: reply.slice(sep + 1), version: Number(reply.slice(0, sep)) };
        },
        (error: unknown) => fail(error, 'reading an entry'),
      );
    },

    async set(key: string, value: string, setOptions: SetOptions): Promise<number | undefined> {
      open();
      assertKey(NAME, key);
      assertSetArguments(NAME, value, setOptions);
      const ttl = setOptions.ttlMs === undefined ? '' : String(ttlToMs(setOptions.ttlMs));
      let reply: unknown;
      try {
        reply = await run(SCRIPTS.set, dataKey(key), [
          value,
          String(setOptions.expectedVersion),
          ttl,
        ]);
      } catch (error) {
        return fail(error, 'writing an entry');
      }
      return typeof reply === 'number' ? reply : undefined;
    },

    async delete(key: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertDeleteOptions(NAME, deleteOptions);
      const expected = deleteOptions?.expectedVersion;
      try {
        const reply = await run(SCRIPTS.delete, dataKey(key), [
          expected === undefined ? '' : String(expected),
        ]);
        return reply === 1;
      } catch (error) {
        return fail(error, 'deleting an entry');
      }
    },

    async take(key: string): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      try {
        const reply = await run(SCRIPTS.take, dataKey(key), []);
        return typeof reply === 'string' ? reply : undefined;
      } catch (error) {
        return fail(error, 'taking an entry');
      }
    },

    async tryLock(key: string, lockOptions: LockOptions): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      assertLockOptions(NAME, lockOptions);
      const owner = createLockOwner();
      try {
        const reply = await client.set(lockKey(key), owner, 'PX', ttlToMs(lockOptions.ttlMs), 'NX');
        return reply === 'OK' ? owner : undefined;
      } catch (error) {
        return fail(error, 'taking a lock');
      }
    },

    async unlock(key: string, owner: string): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      try {
        return (await run(SCRIPTS.unlock, lockKey(key), [owner])) === 1;
      } catch (error) {
        return fail(error, 'releasing a lock');
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (!owned) return;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
