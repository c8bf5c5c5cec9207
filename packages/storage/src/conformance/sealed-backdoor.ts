/**
 * A back door for `encryptedStore`: it reads the wrapped store's raw storage and opens each value
 * on its own, with node:crypto and the envelope as documented (not with the store's Web Crypto
 * code), so the suite checks what is really stored.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import type { Backdoor } from './index.js';

const PREFIX = 'hh-oauth-sealed:1:';

/** Opens one sealed value of entry `key` with one of `keys` (32 bytes each). */
export function openSealedValue(sealed: string, key: string, keys: readonly Uint8Array[]): string {
  if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
  const [kid, iv, data] = sealed.slice(PREFIX.length).split(':');
  const secret = keys.find(
    (each) =>
      createHash('sha256').update('hh-oauth-sealed/kid').update(each).digest('hex').slice(0, 16) ===
      kid,
  );
  if (secret === undefined || iv === undefined || data === undefined) {
    throw new Error('no key for this value');
  }
  const bytes = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(iv, 'base64url'), {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(`hh-oauth-sealed/1\n${kid}\n${key}`, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([
    decipher.update(bytes.subarray(0, bytes.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

/** Wraps the back door of the store that `encryptedStore` wraps. */
export function sealedBackdoor(inner: Backdoor, keys: readonly Uint8Array[]): Backdoor {
  return {
    async readRaw(key) {
      const entry = await inner.readRaw(key);
      return entry && { value: openSealedValue(entry.value, key, keys), version: entry.version };
    },
    readRawLock: (key) => inner.readRawLock(key),
    ...(inner.dumpRaw ? { dumpRaw: inner.dumpRaw } : {}),
  };
}
