/**
 * `encryptedStore(store, { keys })`: any `TokenStore` — Redis, PostgreSQL, memory, the file
 * store, your own — with every value sealed before it leaves the process. The backend then holds
 * no access token, refresh token or code in clear text, and a value moved from one key to another
 * (one session's record put under another session's key) does not open.
 *
 * Envelope, one string per value:
 *
 *     hh-oauth-sealed:1:<kid>:<iv>:<ciphertext‖tag>
 *
 * AES-256-GCM (Web Crypto) with a fresh 96-bit IV per write and a 128-bit tag; `iv` and the
 * ciphertext are base64url; `kid` is the first 16 hex digits of
 * SHA-256("hh-oauth-sealed/kid" ‖ key); the additional authenticated data is
 * "hh-oauth-sealed/1\n" ‖ kid ‖ "\n" ‖ the entry's key, which binds each value to its key name.
 *
 * Keys are not sealed (lookups need them): they carry session ids and `state`s, never tokens.
 * Locks pass through unchanged. There is no `peek`: opening a value is asynchronous.
 *
 * Rotation: `keys: [current, ...previous]`. The first key seals every write; any listed key
 * opens, so values sealed with a previous key keep working and move to the current key on their
 * next write (a session's next refresh). Drop a previous key once no value uses it.
 *
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf NIST SP 800-38D (GCM)
 * @see https://www.w3.org/TR/WebCryptoAPI/#aes-gcm Web Crypto: AES-GCM
 */
import { StorageError } from './errors.js';
import { fromBase64Url, parseKeyBytes, toBase64Url } from './key-material.js';
import type { DeleteOptions, LockOptions, SetOptions, StoredEntry, TokenStore } from './types.js';
import {
  assertDeleteOptions,
  assertKey,
  assertLockOptions,
  assertOwner,
  assertSetArguments,
} from './validate.js';

export interface EncryptedStoreOptions {
  /**
   * AES-256 keys, 32 bytes each: a `Uint8Array`, 64 hex digits or base64/base64url. The first
   * seals; every one opens (rotation: `[current, ...previous]`). Or give one `key`.
   */
  readonly keys?: readonly (Uint8Array | string)[];
  /** One AES-256 key; the same as `keys: [key]`. */
  readonly key?: Uint8Array | string;
}

const PREFIX = 'hh-oauth-sealed:1:';
const IV_BYTES = 12;
const TAG_BITS = 128;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

interface SealingKey {
  readonly id: string;
  readonly key: Awaited<ReturnType<typeof crypto.subtle.importKey>>;
}

async function importKey(bytes: Uint8Array<ArrayBuffer>): Promise<SealingKey> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    concat(encoder.encode('hh-oauth-sealed/kid'), bytes),
  );
  const id = Array.from(new Uint8Array(digest).subarray(0, 8), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  const key = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { id, key };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const aad = (kid: string, key: string) => encoder.encode(`hh-oauth-sealed/1\n${kid}\n${key}`);

/**
 * Wraps `store` so that every value is sealed with AES-256-GCM. Passes the same conformance
 * suite as the store it wraps.
 *
 * @throws {StorageError} `invalid_argument` when no key, or a key that is not 32 bytes, is given.
 *   Reads then reject with `decryption_failed` for a value sealed with a key not in `keys`, a
 *   tampered or moved value, or a value that is not sealed at all (written without encryption).
 */
export function encryptedStore(store: TokenStore, options: EncryptedStoreOptions): TokenStore {
  const name = `encrypted-${typeof store?.name === 'string' ? store.name : 'store'}`;
  if (typeof store?.get !== 'function') {
    throw new StorageError(name, 'invalid_argument', 'encryptedStore needs a TokenStore to wrap');
  }
  const given = options?.keys ?? (options?.key === undefined ? [] : [options.key]);
  if (options?.keys !== undefined && options.key !== undefined) {
    throw new StorageError(name, 'invalid_argument', 'give either key or keys, not both');
  }
  if (!Array.isArray(given) || given.length === 0) {
    throw new StorageError(name, 'invalid_argument', 'encryptedStore needs key or keys');
  }
  const parsed = given.map((each) => parseKeyBytes(each));
  if (parsed.some((bytes) => bytes === undefined)) {
    throw new StorageError(
      name,
      'invalid_argument',
      'every key must be 32 bytes: a Uint8Array, 64 hex digits or base64',
    );
  }
  const imported = Promise.all(parsed.map((bytes) => importKey(bytes as Uint8Array<ArrayBuffer>)));
  // An import failure surfaces on the first call; never as an unhandled rejection.
  imported.catch(() => undefined);

  const refuse = (message: string) => new StorageError(name, 'decryption_failed', message);

  async function seal(key: string, value: string): Promise<string> {
    const [current] = await imported;
    if (current === undefined) throw refuse('no key');
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aad(current.id, key), tagLength: TAG_BITS },
      current.key,
      encoder.encode(value),
    );
    return `${PREFIX}${current.id}:${toBase64Url(iv)}:${toBase64Url(new Uint8Array(sealed))}`;
  }

  async function open(key: string, text: string): Promise<string> {
    if (!text.startsWith(PREFIX)) {
      throw refuse(
        'a stored value is not sealed (written without encryption?); nothing was changed',
      );
    }
    const [kid, iv64, data64, ...rest] = text.slice(PREFIX.length).split(':');
    const iv = fromBase64Url(iv64 ?? '');
    const data = fromBase64Url(data64 ?? '');
    if (rest.length > 0 || iv?.length !== IV_BYTES || data === undefined || data.length < 16) {
      throw refuse('a stored value has a malformed envelope; nothing was changed');
    }
    const keys = await imported;
    const match = keys.find((each) => each.id === kid);
    if (match === undefined) {
      throw refuse(`a stored value is sealed with a key that is not in keys (key id ${kid})`);
    }
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: aad(match.id, key), tagLength: TAG_BITS },
        match.key,
        data,
      );
      return decoder.decode(plain);
    } catch {
      throw refuse(
        'a stored value does not open: tampered, or moved from another key; nothing was changed',
      );
    }
  }

  return {
    name,
    async get(key: string): Promise<StoredEntry | undefined> {
      assertKey(name, key);
      const entry = await store.get(key);
      return entry && { value: await open(key, entry.value), version: entry.version };
    },
    async set(key: string, value: string, setOptions: SetOptions): Promise<number | undefined> {
      assertKey(name, key);
      assertSetArguments(name, value, setOptions);
      return store.set(key, await seal(key, value), setOptions);
    },
    // Checked here too, so that every error names this store, as the conformance suite asks.
    async delete(key: string, deleteOptions?: DeleteOptions): Promise<boolean> {
      assertKey(name, key);
      assertDeleteOptions(name, deleteOptions);
      return store.delete(key, deleteOptions);
    },
    async take(key: string): Promise<string | undefined> {
      assertKey(name, key);
      const value = await store.take(key);
      return value === undefined ? undefined : open(key, value);
    },
    async tryLock(key: string, lockOptions: LockOptions): Promise<string | undefined> {
      assertKey(name, key);
      assertLockOptions(name, lockOptions);
      return store.tryLock(key, lockOptions);
    },
    async extendLock(key: string, owner: string, lockOptions: LockOptions): Promise<boolean> {
      assertKey(name, key);
      assertOwner(name, owner);
      assertLockOptions(name, lockOptions);
      return store.extendLock(key, owner, lockOptions);
    },
    async unlock(key: string, owner: string): Promise<boolean> {
      assertKey(name, key);
      assertOwner(name, owner);
      return store.unlock(key, owner);
    },
    close: () => store.close(),
    // Wake-ups carry no value: passed through when the store has them (keys are not sealed).
    ...(store.watch !== undefined && {
      async watch(key: string, onChange: () => void): Promise<() => void> {
        assertKey(name, key);
        return (store.watch as NonNullable<TokenStore['watch']>).call(store, key, onChange);
      },
    }),
  };
}
