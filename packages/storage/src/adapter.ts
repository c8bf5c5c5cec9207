/**
 * @hh-oauth/storage/adapter — for authors of a `TokenStore` (the Redis and PostgreSQL stores use
 * it): the argument checks every store applies the same way, lock owners, TTLs, the call
 * deadline, and `StorageError`. Web APIs only. Test a store with `@hh-oauth/storage/conformance`.
 */
export { DEFAULT_TIMEOUT_MS, settleWithin, timeoutError, timeoutOption } from './deadline.js';
export type { StorageErrorReason } from './errors.js';
export { isStorageError, StorageError } from './errors.js';
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
