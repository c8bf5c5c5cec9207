/**
 * The file store: one JSON file holding every entry and lock, for one machine's processes (a CLI,
 * a few workers). Reads take no lock: each write replaces the file whole by rename, so a reader sees
 * the old or the new file, never half of one. Every read-modify-write (set, delete, take, tryLock,
 * extendLock, unlock) holds a cross-process lock file (`<path>.lock`, see `file-lock.ts`) from the
 * read to the rename, so compare-and-set and consume-once hold across processes on this machine.
 *
 * Every call settles within `timeoutMs`: as `lock_timeout` when it was still waiting for the lock
 * file (another process holds it), as `timeout` when the file system did not answer. A call that
 * timed out writes nothing afterwards: it checks, right before its write, that its caller is still
 * waiting and that the lock file is still its own.
 *
 * Writes: a temp file beside the target (mode 0600), fsync, rename over the target, fsync the
 * directory. Optional AES-256-GCM at rest (see `file-format.ts`): a wrong key is an error before
 * anything is written, never a lost file.
 *
 * Rollback: a sealed file carries a generation that every write increases. The store refuses a
 * file older than the newest generation this instance has seen, or than the one recorded beside
 * it (`<path>.generation`, written after each write and read before each read, so a reader never
 * sees the record ahead of the file): an older sealed file put back (a restored backup, an
 * attacker's copy) would bring back refresh tokens hh.ru has already spent, or revoked sessions.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { settleWithin, timeoutError, timeoutOption } from '../deadline.js';
import { StorageError } from '../errors.js';
import type { DeleteOptions, LockOptions, SetOptions, StoredEntry, TokenStore } from '../types.js';
import {
  assertDeleteOptions,
  assertKey,
  assertLockOptions,
  assertOwner,
  assertSetArguments,
  createLockOwner,
  ttlToMs,
} from '../validate.js';
import {
  type Decoded,
  decode,
  encode,
  type FileData,
  FormatError,
  parseEncryptionKey,
  type Sealing,
} from './file-format.js';
import { acquireFileLock, FileLockLost } from './file-lock.js';
import { createFileWatch } from './file-watch.js';

export interface FileStoreOptions {
  /** The store file. Its directory is created (mode 0700) when missing. The lock is `<path>.lock`. */
  readonly path: string;
  /**
   * AES-256-GCM key for encryption at rest: 32 bytes, as a `Uint8Array`/`Buffer`, 64 hex digits or
   * base64. A store file is either encrypted or not; a mismatch is a `decryption_failed` error.
   */
  readonly encryptionKey?: Uint8Array | string;
  /**
   * Key rotation, instead of `encryptionKey`: `[current, ...previous]`. The first key seals every
   * write; any of them opens the file, so a file sealed with a previous key is read and sealed
   * with the current one on the next write.
   */
  readonly encryptionKeys?: readonly (Uint8Array | string)[];
  /**
   * What a sealed file is bound to. Default: the store file's absolute path, so a sealed file
   * copied to another store's path does not open. To move a store to another path, pass its old
   * path here (the binding is checked, not the location).
   */
  readonly encryptionContext?: string;
  /** The clock for TTLs, in ms since the epoch. Default `Date.now`; inject one for deterministic tests. */
  readonly now?: () => number;
  /**
   * No call takes longer than this, in ms. Past it a call fails with `lock_timeout` when it was
   * waiting for another process's lock file, else with `timeout`. Default 5000.
   */
  readonly timeoutMs?: number;
  /**
   * A lock file whose holder cannot be checked from here (another host or pid namespace, e.g.
   * another container on a shared volume) is broken when its heartbeat is older than this.
   * Holders on this machine are never broken by age, only when their process is gone.
   * Default 30 000 ms.
   */
  readonly lockStaleMs?: number;
}

const NAME = 'file';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

const DEFAULT_LOCK_STALE_MS = 30_000;

function sealingOf(options: FileStoreOptions, path: string): Sealing | undefined {
  if (options.encryptionKey !== undefined && options.encryptionKeys !== undefined) {
    throw new StorageError(
      NAME,
      'invalid_argument',
      'give encryptionKey or encryptionKeys, not both',
    );
  }
  const given =
    options.encryptionKeys ?? (options.encryptionKey === undefined ? [] : [options.encryptionKey]);
  if (!Array.isArray(given)) {
    throw new StorageError(NAME, 'invalid_argument', 'encryptionKeys must be an array of keys');
  }
  if (given.length === 0) {
    if (options.encryptionKeys !== undefined) {
      throw new StorageError(NAME, 'invalid_argument', 'encryptionKeys must not be empty');
    }
    return undefined;
  }
  const keys = given.map(parseEncryptionKey);
  if (keys.some((key) => key === undefined)) {
    throw new StorageError(
      NAME,
      'invalid_argument',
      `${options.encryptionKeys === undefined ? 'encryptionKey' : 'every key of encryptionKeys'} must be 32 bytes: a Uint8Array, 64 hex digits or base64`,
    );
  }
  const context = options.encryptionContext ?? path;
  if (typeof context !== 'string' || context.length === 0) {
    throw new StorageError(
      NAME,
      'invalid_argument',
      'encryptionContext must be a non-empty string',
    );
  }
  return { keys: keys as Buffer[], context };
}

/** Creates a store backed by one JSON file, safe across this machine's processes. */
export function createFileStore(options: FileStoreOptions): TokenStore {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new StorageError(NAME, 'invalid_argument', 'path must be a non-empty string');
  }
  const path = resolve(options.path);
  const lockPath = `${path}.lock`;
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new StorageError(NAME, 'invalid_argument', 'now must be a function returning ms');
  }
  const sealing = sealingOf(options, path);
  const generationPath = `${path}.generation`;
  /** The newest generation this instance has read or written: a file older than it is a rollback. */
  let lastGeneration = 0;
  const timeoutMs = timeoutOption(NAME, options.timeoutMs);
  const staleMs = timeoutOption(NAME, options.lockStaleMs, 'lockStaleMs', DEFAULT_LOCK_STALE_MS);
  let closed = false;
  const changes = createFileWatch(path);
  /** This instance's read-modify-writes run one at a time; the lock file orders them with others. */
  let queue: Promise<unknown> = Promise.resolve();

  const fail = (error: unknown, doing: string): never => {
    if (error instanceof StorageError) throw error;
    if (error instanceof FormatError) {
      throw new StorageError(NAME, error.kind, `${error.message} (${path})`);
    }
    if (error instanceof FileLockLost) {
      throw new StorageError(
        NAME,
        'lock_timeout',
        `lost the lock ${lockPath} while ${doing} (another process judged it stale); nothing was written`,
      );
    }
    const code = errorCode(error);
    throw new StorageError(NAME, 'backend', `${doing} ${path} failed${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  };

  const open_ = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  /** The generation recorded beside the file (0 when none): read before the file, never after. */
  const recordedGeneration = async (): Promise<number> => {
    if (sealing === undefined) return 0;
    let text: string;
    try {
      text = await readFile(generationPath, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return 0;
      throw error;
    }
    const recorded = Number(text.trim());
    if (!Number.isSafeInteger(recorded) || recorded < 0) {
      throw new FormatError('corrupt', `the generation record ${generationPath} is malformed`);
    }
    return recorded;
  };

  /** Reads the file; `floor` is the generation a sealed file must have at least. */
  const load = async (): Promise<Decoded & { readonly floor: number }> => {
    const floor = Math.max(lastGeneration, await recordedGeneration());
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      // No file is an empty store (deleted on purpose); generations go on from the floor.
      if (errorCode(error) === 'ENOENT') return { ...decode('', sealing), floor };
      throw error;
    }
    const decoded = decode(text, sealing);
    if (sealing !== undefined && decoded.generation < floor) {
      throw new FormatError(
        'rollback',
        `the file is generation ${decoded.generation}, older than generation ${floor} seen before: an older copy was put back; nothing was changed`,
      );
    }
    lastGeneration = Math.max(lastGeneration, decoded.generation);
    return { ...decoded, floor };
  };

  /** Writes `text` to `target` by a temp file (0600), fsync and rename. */
  const replaceFile = async (target: string, text: string): Promise<void> => {
    const directory = dirname(target);
    const temp = resolve(
      directory,
      `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await open(temp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  };

  const save = async (data: FileData, generation: number): Promise<void> => {
    const directory = dirname(path);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await replaceFile(path, encode(data, sealing, generation));
    // Make the rename itself durable; some platforms cannot open a directory, which is fine.
    const dir = await open(directory, 'r').catch(() => undefined);
    if (dir !== undefined)
      await dir
        .sync()
        .catch(() => undefined)
        .finally(() => dir.close());
    lastGeneration = Math.max(lastGeneration, generation);
    // After the file: a reader reads this first, so it never sees a record ahead of the file.
    if (sealing !== undefined) await replaceFile(generationPath, `${generation}\n`);
  };

  /** Drops expired entries and locks; returns whether anything was dropped. */
  const sweep = (data: FileData, at: number): boolean => {
    let changed = false;
    for (const [name, entry] of Object.entries(data.entries)) {
      if (entry.expiresAt !== null && at >= entry.expiresAt) {
        delete data.entries[name];
        changed = true;
      }
    }
    for (const [name, lock] of Object.entries(data.locks)) {
      if (at >= lock.expiresAt) {
        delete data.locks[name];
        changed = true;
      }
    }
    return changed;
  };

  /**
   * Runs `change` on the current data under the lock file, and writes the file when it says so.
   * `change` sees expired records already removed.
   */
  const modify = <T>(
    doing: string,
    change: (data: FileData, at: number) => { result: T; write: boolean },
  ): Promise<T> => {
    // Aborted when the caller's deadline passes: the wait for the lock ends, and no write follows.
    const deadline = new AbortController();
    let locked = false;
    const run = async (): Promise<T> => {
      deadline.signal.throwIfAborted();
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const lock = await acquireFileLock(lockPath, { staleMs, signal: deadline.signal });
      locked = true;
      try {
        const { data, generation, floor } = await load();
        const at = now();
        const swept = sweep(data, at);
        const { result, write } = change(data, at);
        if (write || swept) {
          await lock.verify();
          // Past its deadline the caller was told this call failed: a write now would land behind
          // its back. (Checked last, right before the write, which is then the only window left.)
          deadline.signal.throwIfAborted();
          await save(data, Math.max(generation, floor) + 1);
        }
        return result;
      } finally {
        await lock.release();
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return settleWithin(
      next.catch((error: unknown) => fail(error, doing)),
      timeoutMs,
      () => {
        deadline.abort();
        return locked
          ? timeoutError(NAME, `${doing} ${path}`, timeoutMs)
          : new StorageError(
              NAME,
              'lock_timeout',
              `could not lock ${lockPath} within ${timeoutMs} ms while ${doing}: it stayed held (by another process, or by a stalled call of this store)`,
            );
      },
    );
  };

  return {
    name: NAME,

    async get(entryKey: string): Promise<StoredEntry | undefined> {
      open_();
      assertKey(NAME, entryKey);
      const read = load().then(
        ({ data }) => {
          const entry = data.entries[entryKey];
          if (entry === undefined) return undefined;
          if (entry.expiresAt !== null && now() >= entry.expiresAt) return undefined;
          return { value: entry.value, version: entry.version };
        },
        (error: unknown) => fail(error, 'reading'),
      );
      return settleWithin(read, timeoutMs, () => timeoutError(NAME, `reading ${path}`, timeoutMs));
    },

    async set(
      entryKey: string,
      value: string,
      setOptions: SetOptions,
    ): Promise<number | undefined> {
      open_();
      assertKey(NAME, entryKey);
      assertSetArguments(NAME, value, setOptions);
      const { expectedVersion, ttlMs } = setOptions;
      return modify('writing', (data, at) => {
        if ((data.entries[entryKey]?.version ?? 0) !== expectedVersion) {
          return { result: undefined, write: false };
        }
        const version = expectedVersion + 1;
        const expiresAt = ttlMs === undefined ? null : at + ttlToMs(ttlMs);
        data.entries[entryKey] = { value, version, expiresAt };
        return { result: version, write: true };
      });
    },

    async delete(entryKey: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      open_();
      assertKey(NAME, entryKey);
      assertDeleteOptions(NAME, deleteOptions);
      const expected = deleteOptions?.expectedVersion;
      return modify('deleting from', (data) => {
        const entry = data.entries[entryKey];
        if (entry === undefined || (expected !== undefined && entry.version !== expected)) {
          return { result: false, write: false };
        }
        delete data.entries[entryKey];
        return { result: true, write: true };
      });
    },

    async take(entryKey: string): Promise<string | undefined> {
      open_();
      assertKey(NAME, entryKey);
      return modify('taking from', (data) => {
        const entry = data.entries[entryKey];
        if (entry === undefined) return { result: undefined, write: false };
        delete data.entries[entryKey];
        return { result: entry.value, write: true };
      });
    },

    async tryLock(lockKey: string, lockOptions_: LockOptions): Promise<string | undefined> {
      open_();
      assertKey(NAME, lockKey);
      assertLockOptions(NAME, lockOptions_);
      const ttl = ttlToMs(lockOptions_.ttlMs);
      return modify('locking in', (data, at) => {
        if (data.locks[lockKey] !== undefined) return { result: undefined, write: false };
        const owner = createLockOwner();
        data.locks[lockKey] = { owner, expiresAt: at + ttl };
        return { result: owner, write: true };
      });
    },

    async extendLock(lockKey: string, owner: string, lockOptions_: LockOptions): Promise<boolean> {
      open_();
      assertKey(NAME, lockKey);
      assertOwner(NAME, owner);
      assertLockOptions(NAME, lockOptions_);
      const ttl = ttlToMs(lockOptions_.ttlMs);
      return modify('extending a lock in', (data, at) => {
        // Expired locks were swept before `change` runs: an expired lock is no longer the owner's.
        if (data.locks[lockKey]?.owner !== owner) return { result: false, write: false };
        data.locks[lockKey] = { owner, expiresAt: at + ttl };
        return { result: true, write: true };
      });
    },

    async unlock(lockKey: string, owner: string): Promise<boolean> {
      open_();
      assertKey(NAME, lockKey);
      assertOwner(NAME, owner);
      return modify('unlocking in', (data) => {
        if (data.locks[lockKey]?.owner !== owner) return { result: false, write: false };
        delete data.locks[lockKey];
        return { result: true, write: true };
      });
    },

    // Wake-ups: any change of the store file, by any process on this machine (see file-watch.ts).
    async watch(key: string, onChange: () => void): Promise<() => void> {
      open_();
      assertKey(NAME, key);
      if (typeof onChange !== 'function') {
        throw new StorageError(NAME, 'invalid_argument', 'onChange must be a function');
      }
      return changes.add(onChange);
    },

    async close(): Promise<void> {
      closed = true;
      changes.close();
      // Let this instance's writes in flight finish, so none is cut off by the process exiting;
      // each of them gives up by its own deadline, so this wait is bounded too.
      await settleWithin(queue, timeoutMs, () => undefined).catch(() => undefined);
    },
  };
}
