/**
 * HMAC-SHA-256 over Web Crypto: a cookie's value is `<value>.<signature>`, so a session id or a
 * `state` can only come from this application (no forged or fixed session ids). Several secrets
 * rotate: the first signs, every one verifies.
 */
import { ConfigurationError } from '@hh-oauth/core';

/** Secrets shorter than this are refused: an HMAC key should carry at least 256 bits. */
export const MIN_SECRET_LENGTH = 32;

export interface Signer {
  /** `value.signature`, the signature bound to `purpose` (a state cookie is not a session cookie). */
  sign(purpose: string, value: string): Promise<string>;
  /** The value when `signed` carries a valid signature for `purpose`, else undefined. */
  verify(purpose: string, signed: string): Promise<string | undefined>;
}

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(new ArrayBuffer(binary.length));
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * Creates a signer over one or more secrets (the first signs; all verify, for rotation).
 *
 * @see https://www.rfc-editor.org/rfc/rfc2104 RFC 2104: HMAC
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-8.6 RFC 6265 §8.6: weak integrity of cookies
 */
export function createSigner(secret: string | readonly string[]): Signer {
  const secrets = typeof secret === 'string' ? [secret] : [...secret];
  if (
    secrets.length === 0 ||
    secrets.some((s) => typeof s !== 'string' || s.length < MIN_SECRET_LENGTH)
  ) {
    throw new ConfigurationError(
      'invalid_argument',
      `secret must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32), one or a list for rotation`,
    );
  }
  const keys = secrets.map((s) =>
    crypto.subtle.importKey('raw', encoder.encode(s), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]),
  );
  const message = (purpose: string, value: string) => encoder.encode(`${purpose}\u0000${value}`);
  return {
    async sign(purpose, value) {
      const key = await keys[0]!;
      return `${value}.${base64url(await crypto.subtle.sign('HMAC', key, message(purpose, value)))}`;
    },
    async verify(purpose, signed) {
      const dot = signed.lastIndexOf('.');
      if (dot <= 0) return undefined;
      const value = signed.slice(0, dot);
      const signature = fromBase64url(signed.slice(dot + 1));
      if (signature === undefined) return undefined;
      for (const pending of keys) {
        // subtle.verify compares in constant time.
        if (await crypto.subtle.verify('HMAC', await pending, signature, message(purpose, value))) {
          return value;
        }
      }
      return undefined;
    },
  };
}
