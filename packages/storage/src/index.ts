/**
 * @hh-oauth/storage — where hh-oauth keeps sessions, pending authorizations and the app token.
 * This entry uses Web APIs only: it runs in Node, browsers, edge workers, Bun and Deno.
 *
 * - `TokenStore`: the interface every store implements (versioned compare-and-set, TTL, consume-once
 *   `take`, a non-blocking lock that its holder can extend).
 * - `createMemoryStore()`: one process. `encryptedStore(store, { keys })`: any store with its values
 *   sealed. `withLock`: a lock held around a function.
 * - Elsewhere: the file store (`@hh-oauth/storage/file`, Node), Redis and PostgreSQL
 *   (`@hh-oauth/storage-redis`, `-postgres`), helpers for store authors
 *   (`@hh-oauth/storage/adapter`), the conformance suite (`@hh-oauth/storage/conformance`).
 *
 * Left out on purpose: listing or scanning keys (no caller needs it, and Redis/SQL make it costly),
 * and a blocking lock inside stores (`withLock` polls `tryLock` where waiting is wanted).
 */
export { DEFAULT_TIMEOUT_MS } from './deadline.js';
export type { EncryptedStoreOptions } from './encrypted-store.js';
export { encryptedStore } from './encrypted-store.js';
export type { StorageErrorReason } from './errors.js';
export { isStorageError, StorageError } from './errors.js';
export type { MemoryStoreOptions } from './memory.js';
export { createMemoryStore } from './memory.js';
export type {
  DeleteOptions,
  LockOptions,
  SetOptions,
  StoredEntry,
  TokenStore,
} from './types.js';
export type { WithLockOptions } from './with-lock.js';
export { withLock } from './with-lock.js';
