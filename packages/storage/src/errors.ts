/**
 * Storage errors: one class under core's `HhOAuthError`, a `reason` that says what went wrong,
 * and a message prefixed with the library and store name ("[hh-oauth/storage-file] …").
 *
 * Messages are built from fixed text, key lengths and file paths only: never from a stored value or
 * a key's content (values are tokens; keys carry session ids and `state`).
 */
import { type ErrorCode, HhOAuthError, isHhOAuthError, type Recovery } from '@hh-oauth/core';

/** What went wrong, more precisely than core's `code`. */
export type StorageErrorReason =
  /** An argument or option cannot work (bad key, version, TTL, encryption key, …). */
  | 'invalid_argument'
  /** The store was used after `close()`. */
  | 'closed'
  /** The stored data is encrypted with another key, or not encrypted as configured. Nothing was written. */
  | 'decryption_failed'
  /** The stored data cannot be read (not a store file, unknown format, truncated). Nothing was written. */
  | 'corrupt'
  /**
   * The stored data is older than data this store has already seen (an older sealed file put
   * back). Nothing was read or written; someone must look at what happened.
   */
  | 'rollback'
  /**
   * A lock the store needs internally could not be had in time (the file store's lock file, a
   * PostgreSQL row or table lock, `withLock`), or was lost before the write. Nothing was written.
   */
  | 'lock_timeout'
  /**
   * The backend did not answer within the store's `timeoutMs`. A write that timed out may or may
   * not have been applied (its request may still reach the backend): read again before retrying.
   */
  | 'timeout'
  /** The backend failed: file system, network, database, Redis. `cause` has the original error. */
  | 'backend';

const CODES: Record<StorageErrorReason, readonly [ErrorCode, Recovery]> = {
  invalid_argument: ['invalid_argument', 'fix_configuration'],
  closed: ['invalid_argument', 'fix_configuration'],
  decryption_failed: ['invalid_argument', 'fix_configuration'],
  corrupt: ['invalid_response', 'none'],
  rollback: ['invalid_response', 'fix_configuration'],
  lock_timeout: ['timeout', 'retry_later'],
  timeout: ['timeout', 'retry_later'],
  backend: ['network_error', 'retry_later'],
};

/** An error of a token store. `store` is the store's `name`; `reason` says what went wrong. */
export class StorageError extends HhOAuthError {
  override name = 'StorageError';
  readonly store: string;
  readonly reason: StorageErrorReason;

  constructor(
    store: string,
    reason: StorageErrorReason,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    const [code, recovery] = CODES[reason];
    super(
      code,
      message,
      options.cause === undefined ? { recovery } : { recovery, cause: options.cause },
    );
    this.store = store;
    this.reason = reason;
    // The base class prefixes "[hh-oauth] "; storage errors name the store instead.
    const previous = this.message;
    this.message = `[hh-oauth/storage-${store}] ${message}`;
    if (typeof this.stack === 'string') this.stack = this.stack.replace(previous, this.message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), store: this.store, reason: this.reason };
  }
}

/** Cross-realm check for a `StorageError`, optionally of one reason. */
export function isStorageError(value: unknown, reason?: StorageErrorReason): value is StorageError {
  if (!isHhOAuthError(value)) return false;
  const candidate = value as { name?: unknown; store?: unknown; reason?: unknown };
  return (
    candidate.name === 'StorageError' &&
    typeof candidate.store === 'string' &&
    typeof candidate.reason === 'string' &&
    (reason === undefined || candidate.reason === reason)
  );
}
