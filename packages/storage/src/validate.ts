/**
 * Argument checks every store shares, so that all stores reject the same inputs with the same
 * error. Exported for adapter authors (`@hh-oauth/storage-redis`, `-postgres`, your own).
 */
import { StorageError } from './errors.js';
import type { DeleteOptions, LockOptions, SetOptions } from './types.js';

/** The longest key accepted, in UTF-16 code units. Keys are ids, not data. */
export const MAX_KEY_LENGTH = 1024;

/** Checks a key: a non-empty string of at most `MAX_KEY_LENGTH` characters without NUL. */
export function assertKey(store: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new StorageError(
      store,
      'invalid_argument',
      `a key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    );
  }
  if (key.includes('\u0000')) {
    throw new StorageError(store, 'invalid_argument', 'a key must not contain NUL characters');
  }
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTtl(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 2 ** 31 * 1000
  );
}

/** Checks `set`'s value and options. A TTL is rounded up to whole milliseconds by the caller. */
export function assertSetArguments(
  store: string,
  value: unknown,
  options: unknown,
): asserts options is SetOptions {
  if (typeof value !== 'string') {
    throw new StorageError(store, 'invalid_argument', 'a value must be a string');
  }
  if (value.includes('\u0000')) {
    throw new StorageError(store, 'invalid_argument', 'a value must not contain NUL characters');
  }
  const { expectedVersion, ttlMs } = (options ?? {}) as Partial<SetOptions>;
  if (!isVersion(expectedVersion)) {
    throw new StorageError(
      store,
      'invalid_argument',
      'expectedVersion must be a non-negative safe integer (0 = create)',
    );
  }
  if (ttlMs !== undefined && !isTtl(ttlMs)) {
    throw new StorageError(store, 'invalid_argument', 'ttlMs must be a positive number of ms');
  }
}

/** Checks `delete`'s options. */
export function assertDeleteOptions(
  store: string,
  options: unknown,
): asserts options is DeleteOptions | undefined {
  if (options === undefined) return;
  const { expectedVersion } = options as DeleteOptions;
  if (expectedVersion !== undefined && !isVersion(expectedVersion)) {
    throw new StorageError(
      store,
      'invalid_argument',
      'expectedVersion must be a non-negative safe integer',
    );
  }
}

/** Checks `tryLock`'s options. */
export function assertLockOptions(store: string, options: unknown): asserts options is LockOptions {
  const { ttlMs } = (options ?? {}) as Partial<LockOptions>;
  if (!isTtl(ttlMs)) {
    throw new StorageError(store, 'invalid_argument', 'ttlMs must be a positive number of ms');
  }
}

/** Checks an owner token passed to `unlock`. */
export function assertOwner(store: string, owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > 256) {
    throw new StorageError(store, 'invalid_argument', 'owner must be the token tryLock returned');
  }
}

/** A fresh, unguessable lock owner token. */
export function createLockOwner(): string {
  return globalThis.crypto.randomUUID();
}

/** Whole milliseconds for a TTL: a store never holds something shorter than asked. */
export function ttlToMs(ttlMs: number): number {
  return Math.ceil(ttlMs);
}
