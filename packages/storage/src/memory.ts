/**
 * The memory store: a `Map` in this process. Good for tests and for a single process; every
 * operation runs synchronously between two awaits, so compare-and-set, `take` and locks are atomic
 * without any locking. Nothing survives a restart and nothing is shared between processes.
 */
import { StorageError } from './errors.js';
import type { DeleteOptions, LockOptions, SetOptions, StoredEntry, TokenStore } from './types.js';
import {
  assertDeleteOptions,
  assertKey,
  assertLockOptions,
  assertOwner,
  assertSetArguments,
  createLockOwner,
  ttlToMs,
} from './validate.js';

export interface MemoryStoreOptions {
  /** The clock for TTLs, in ms since the epoch. Default `Date.now`; inject one for deterministic tests. */
  readonly now?: () => number;
}

interface Entry {
  readonly value: string;
  readonly version: number;
  /** What `peek` and `get` hand out: made once per write, frozen, so a read allocates nothing. */
  readonly stored: StoredEntry;
  /** Ms since the epoch; undefined = never. Expired when `now >= expiresAt`. */
  readonly expiresAt: number | undefined;
}

interface Lock {
  readonly owner: string;
  readonly expiresAt: number;
}

interface MemoryState {
  readonly entries: Map<string, Entry>;
  readonly locks: Map<string, Lock>;
}

const NAME = 'memory';
/** Expired records are swept every this many writes, so a long-lived store does not grow without bound. */
const SWEEP_EVERY = 256;

/** The memory stores' state, for the conformance suite's back door only (not exported from the package). */
const states = new WeakMap<TokenStore, MemoryState>();

/** Reads a memory store's raw state without going through the store. Test use only. */
export function inspectMemoryStore(store: TokenStore): MemoryState | undefined {
  return states.get(store);
}

/** Creates a store that keeps everything in this process's memory. */
export function createMemoryStore(options: MemoryStoreOptions = {}): TokenStore {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new StorageError(NAME, 'invalid_argument', 'now must be a function returning ms');
  }
  const entries = new Map<string, Entry>();
  const locks = new Map<string, Lock>();
  let closed = false;
  let writes = 0;

  const live = <T extends { expiresAt: number | undefined }>(
    map: Map<string, T>,
    key: string,
    at: number,
  ): T | undefined => {
    const record = map.get(key);
    if (record === undefined) return undefined;
    if (record.expiresAt !== undefined && at >= record.expiresAt) {
      map.delete(key);
      return undefined;
    }
    return record;
  };

  const wrote = (at: number): void => {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    for (const key of [...entries.keys()]) live(entries, key, at);
    for (const key of [...locks.keys()]) live(locks, key, at);
  };

  const open = (): void => {
    if (closed) throw new StorageError(NAME, 'closed', 'the store is closed');
  };

  const peek = (key: string): StoredEntry | undefined => {
    open();
    const entry = entries.get(key);
    // A key found was checked when it was written; only a miss needs checking (the hot path).
    if (entry === undefined) {
      assertKey(NAME, key);
      return undefined;
    }
    // The clock is read only for entries that can expire: sessions usually cannot, and this is
    // the client's hot path.
    if (entry.expiresAt !== undefined && now() >= entry.expiresAt) {
      entries.delete(key);
      return undefined;
    }
    return entry.stored;
  };

  const store: TokenStore = {
    name: NAME,

    async get(key: string): Promise<StoredEntry | undefined> {
      return peek(key);
    },

    peek,

    async set(key: string, value: string, setOptions: SetOptions): Promise<number | undefined> {
      open();
      assertKey(NAME, key);
      assertSetArguments(NAME, value, setOptions);
      const at = now();
      const current = live(entries, key, at);
      if ((current?.version ?? 0) !== setOptions.expectedVersion) return undefined;
      const version = setOptions.expectedVersion + 1;
      const expiresAt = setOptions.ttlMs === undefined ? undefined : at + ttlToMs(setOptions.ttlMs);
      entries.set(key, { value, version, expiresAt, stored: Object.freeze({ value, version }) });
      wrote(at);
      return version;
    },

    async delete(key: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertDeleteOptions(NAME, deleteOptions);
      const current = live(entries, key, now());
      if (current === undefined) return false;
      const expected = deleteOptions?.expectedVersion;
      if (expected !== undefined && current.version !== expected) return false;
      return entries.delete(key);
    },

    async take(key: string): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      const current = live(entries, key, now());
      if (current === undefined) return undefined;
      entries.delete(key);
      return current.value;
    },

    async tryLock(key: string, lockOptions: LockOptions): Promise<string | undefined> {
      open();
      assertKey(NAME, key);
      assertLockOptions(NAME, lockOptions);
      const at = now();
      if (live(locks, key, at) !== undefined) return undefined;
      const owner = createLockOwner();
      locks.set(key, { owner, expiresAt: at + ttlToMs(lockOptions.ttlMs) });
      wrote(at);
      return owner;
    },

    async extendLock(key: string, owner: string, lockOptions: LockOptions): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      assertLockOptions(NAME, lockOptions);
      const at = now();
      const current = live(locks, key, at);
      if (current === undefined || current.owner !== owner) return false;
      locks.set(key, { owner, expiresAt: at + ttlToMs(lockOptions.ttlMs) });
      return true;
    },

    async unlock(key: string, owner: string): Promise<boolean> {
      open();
      assertKey(NAME, key);
      assertOwner(NAME, owner);
      const current = live(locks, key, now());
      if (current === undefined || current.owner !== owner) return false;
      return locks.delete(key);
    },

    async close(): Promise<void> {
      closed = true;
      entries.clear();
      locks.clear();
    },
  };
  states.set(store, { entries, locks });
  return store;
}
