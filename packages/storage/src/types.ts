/**
 * The one interface every token store implements. `@hh-oauth/client` keeps small versioned JSON
 * records in it (sessions, pending authorizations, the shared app token) and serializes refresh
 * across processes through its lock: hh.ru refresh tokens are single-use, so compare-and-set and
 * the lock must hold across processes and machines, not only inside one.
 */

/** A stored value and its version. */
export interface StoredEntry {
  readonly value: string;
  readonly version: number;
}

export interface SetOptions {
  /** Compare-and-set: 0 = the key must not exist (or be expired); n = the current version must be n. */
  readonly expectedVersion: number;
  /** Time to live in ms; absent = no expiry. */
  readonly ttlMs?: number;
}

export interface TokenStore {
  /** e.g. 'memory', 'file', 'redis', 'postgres' — used in error messages: "[hh-oauth/storage-redis] …" */
  readonly name: string;
  get(key: string): Promise<StoredEntry | undefined>;
  /** Returns the new version (expectedVersion + 1, or 1 on create), or undefined when the version did not match (nothing written). */
  set(key: string, value: string, options: SetOptions): Promise<number | undefined>;
  /** Deletes; with expectedVersion only if it matches. Returns whether something was deleted. */
  delete(key: string, options?: { readonly expectedVersion?: number }): Promise<boolean>;
  /** Atomically reads and deletes (consume-once, for pending authorizations). */
  take(key: string): Promise<string | undefined>;
  /** Tries to take the named lock for ttlMs; returns an owner token, or undefined if someone else holds it. Never blocks. */
  tryLock(key: string, options: { readonly ttlMs: number }): Promise<string | undefined>;
  /**
   * Renews the lock: its TTL becomes `ttlMs` from now, only if `owner` still holds it
   * (compare-and-extend, atomic). Returns false and changes nothing when the lock expired or is
   * someone else's. A holder whose work outlasts the lock's TTL calls it before the TTL runs out.
   */
  extendLock(key: string, owner: string, options: { readonly ttlMs: number }): Promise<boolean>;
  /** Releases the lock only if `owner` still holds it (compare-and-delete). Returns whether it did. */
  unlock(key: string, owner: string): Promise<boolean>;
  /** Releases what the store opened itself (connections it created, timers); not an injected client/pool. */
  close(): Promise<void>;
  /**
   * Optional capability: a synchronous `get`, for stores that hold their data in this process
   * (the memory store). The client's hot path uses it when present to skip a promise per read.
   */
  peek?(key: string): StoredEntry | undefined;
  /**
   * Optional capability: wake-ups. Calls `onChange` whenever entry `key` may have changed (set,
   * delete, take) or lock `key` may have been released, by this or any other process sharing the
   * storage; possibly more often than that, never with an argument. Resolves once it listens, so
   * a change made after it resolved is heard (unless the wake-up is lost, below); the resolved
   * function stops listening.
   *
   * A wake-up may be lost (a reconnect, a failover) and a lock that expires wakes nobody: a
   * caller waiting for a change still looks again now and then. `@hh-oauth/client` uses it to
   * end a wait for another process's refresh as soon as that refresh lands, and polls, rarely,
   * as the fallback; without `watch` it polls every `pollMs`.
   */
  watch?(key: string, onChange: () => void): Promise<() => void>;
}

/** Options of `tryLock` and `extendLock`. */
export interface LockOptions {
  /** How long the lock is held unless released (or extended) first, in ms. */
  readonly ttlMs: number;
}

/** Options of `delete`. */
export interface DeleteOptions {
  /** Delete only when the current version is this one. */
  readonly expectedVersion?: number;
}
