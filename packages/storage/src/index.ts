/**
 * @hh-oauth/storage — where hh-oauth keeps sessions, pending authorizations and the app token.
 *
 * - `TokenStore`: the interface every store implements (versioned compare-and-set, TTL, consume-once
 *   `take`, a non-blocking lock that its holder can extend).
 * - `createMemoryStore()`: one process. `createFileStore({ path })`: one machine's processes.
 *   Redis and PostgreSQL stores are separate packages (`@hh-oauth/storage-redis`, `-postgres`).
 * - For store authors: `StorageError`, the shared argument checks (so every store rejects the
 *   same inputs the same way) and the call deadline (`settleWithin`, `timeoutOption`); the
 *   conformance suite is `@hh-oauth/storage/conformance`.
 *
 * Left out on purpose: listing or scanning keys (no caller needs it, and Redis/SQL make it costly),
 * and a blocking lock inside stores (`withLock` polls `tryLock` where waiting is wanted).
 */
export { DEFAULT_TIMEOUT_MS, settleWithin, timeoutError, timeoutOption } from './deadline.js';
export type { EncryptedStoreOptions } from './encrypted-store.js';
export { encryptedStore } from './encrypted-store.js';
export type { StorageErrorReason } from './errors.js';
export { isStorageError, StorageError } from './errors.js';
export type { FileStoreOptions } from './file/file-store.js';
export { createFileStore } from './file/file-store.js';
export type { MemoryStoreOptions } from './memory.js';
export { createMemoryStore } from './memory.js';
export type {
  DeleteOptions,
  LockOptions,
  SetOptions,
  StoredEntry,
  TokenStore,
} from './types.js';
export {
  assertDeleteOptions,
  assertKey,
  assertLockOptions,
  assertOwner,
  assertSetArguments,
  createLockOwner,
  MAX_KEY_LENGTH,
  ttlToMs,
} from './validate.js';
export type { WithLockOptions } from './with-lock.js';
export { withLock } from './with-lock.js';
