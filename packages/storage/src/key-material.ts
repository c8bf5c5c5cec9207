/**
 * Encryption keys as users give them: 32 raw bytes, 64 hex digits, or base64 / base64url. One
 * parser for the file store and `encryptedStore`, on Web APIs only (it runs in any runtime).
 */

/** The 32 bytes of an AES-256 key, or undefined when `key` is not one. */
export function parseKeyBytes(key: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (key instanceof Uint8Array) return key.byteLength === 32 ? new Uint8Array(key) : undefined;
  if (typeof key !== 'string') return undefined;
  if (/^[0-9a-fA-F]{64}$/.test(key)) {
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(key.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(key)) {
    const bytes = fromBase64Url(key.replace(/=+$/, ''));
    return bytes?.byteLength === 32 ? bytes : undefined;
  }
  return undefined;
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64 or base64url (padding optional); undefined when it is neither. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}
