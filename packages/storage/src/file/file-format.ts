/**
 * The file store's on-disk format, plain or sealed with AES-256-GCM.
 *
 * Plain:     {"format":"hh-oauth-token-store","formatVersion":1,"entries":{…},"locks":{…}}
 * Encrypted: {"format":"hh-oauth-token-store","formatVersion":1,
 *             "encryption":{"alg":"A256GCM","kid":"…","iv":"…","tag":"…","data":"…"}}
 * where `data` (base64) seals the JSON text {"entries":{…},"locks":{…}} with a fresh 96-bit IV per
 * write, the header string as additional authenticated data, and `kid` = the first 16 hex digits of
 * SHA-256("hh-oauth-token-store/kid" ‖ key), which tells "another key" apart from "tampered".
 * Whole-file sealing hides the keys (session ids, `state`s) as well as the values.
 *
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf NIST SP 800-38D (GCM)
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const FORMAT = 'hh-oauth-token-store';
export const FORMAT_VERSION = 1;
const AAD = Buffer.from(`${FORMAT}/${FORMAT_VERSION}`, 'utf8');
const ALG = 'A256GCM';

export interface FileEntry {
  readonly value: string;
  readonly version: number;
  /** Ms since the epoch, or null = never. */
  readonly expiresAt: number | null;
}

export interface FileLockRecord {
  readonly owner: string;
  readonly expiresAt: number;
}

export interface FileData {
  entries: Record<string, FileEntry>;
  locks: Record<string, FileLockRecord>;
}

/** Why a file could not be decoded; the store turns this into a `StorageError`. */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(
    readonly kind: 'corrupt' | 'decryption_failed',
    message: string,
  ) {
    super(message);
  }
}

/** Parses an encryption key: 32 bytes, as bytes, 64 hex digits, or base64/base64url. */
export function parseEncryptionKey(key: unknown): Buffer | undefined {
  if (key instanceof Uint8Array) return key.byteLength === 32 ? Buffer.from(key) : undefined;
  if (typeof key !== 'string') return undefined;
  if (/^[0-9a-fA-F]{64}$/.test(key)) return Buffer.from(key, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(key)) {
    const bytes = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.byteLength === 32 ? bytes : undefined;
  }
  return undefined;
}

/** The key id written beside the ciphertext: not secret, only tells keys apart. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(`${FORMAT}/kid`).update(key).digest('hex').slice(0, 16);
}

export function emptyData(): FileData {
  return { entries: Object.create(null), locks: Object.create(null) };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readData(value: unknown): FileData {
  if (!isRecord(value) || !isRecord(value['entries']) || !isRecord(value['locks'])) {
    throw new FormatError('corrupt', 'the file does not hold entries and locks');
  }
  const data = emptyData();
  for (const [key, entry] of Object.entries(value['entries'])) {
    if (
      !isRecord(entry) ||
      typeof entry['value'] !== 'string' ||
      typeof entry['version'] !== 'number' ||
      !(entry['expiresAt'] === null || typeof entry['expiresAt'] === 'number')
    ) {
      throw new FormatError('corrupt', 'an entry in the file is malformed');
    }
    data.entries[key] = {
      value: entry['value'],
      version: entry['version'],
      expiresAt: entry['expiresAt'],
    };
  }
  for (const [key, lock] of Object.entries(value['locks'])) {
    if (
      !isRecord(lock) ||
      typeof lock['owner'] !== 'string' ||
      typeof lock['expiresAt'] !== 'number'
    ) {
      throw new FormatError('corrupt', 'a lock in the file is malformed');
    }
    data.locks[key] = { owner: lock['owner'], expiresAt: lock['expiresAt'] };
  }
  return data;
}

/** Decodes the file's text. An empty file reads as an empty store. */
export function decode(text: string, key: Buffer | undefined): FileData {
  if (text.length === 0) return emptyData();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FormatError('corrupt', 'the file is not JSON');
  }
  if (!isRecord(parsed) || parsed['format'] !== FORMAT) {
    throw new FormatError('corrupt', 'the file is not an hh-oauth token store');
  }
  if (parsed['formatVersion'] !== FORMAT_VERSION) {
    throw new FormatError('corrupt', 'the file has an unknown format version');
  }
  const sealed = parsed['encryption'];
  if (sealed === undefined) {
    if (key !== undefined) {
      throw new FormatError(
        'decryption_failed',
        'the file is not encrypted but an encryptionKey was given; refusing to read or overwrite it',
      );
    }
    return readData(parsed);
  }
  if (key === undefined) {
    throw new FormatError('decryption_failed', 'the file is encrypted; pass its encryptionKey');
  }
  if (
    !isRecord(sealed) ||
    sealed['alg'] !== ALG ||
    typeof sealed['iv'] !== 'string' ||
    typeof sealed['tag'] !== 'string' ||
    typeof sealed['data'] !== 'string'
  ) {
    throw new FormatError('corrupt', 'the file has a malformed encryption envelope');
  }
  if (typeof sealed['kid'] === 'string' && sealed['kid'] !== keyId(key)) {
    throw new FormatError(
      'decryption_failed',
      'the file is encrypted with a different key (key ids differ); nothing was changed',
    );
  }
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed['iv'], 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(sealed['tag'], 'base64'));
    plain = Buffer.concat([
      decipher.update(Buffer.from(sealed['data'], 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new FormatError(
      'decryption_failed',
      'the file could not be decrypted: wrong key or tampered file; nothing was changed',
    );
  }
  try {
    return readData(JSON.parse(plain));
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError('corrupt', 'the decrypted content is not JSON');
  }
}

/** Encodes the data as the file's text, sealed when `key` is given. */
export function encode(data: FileData, key: Buffer | undefined): string {
  const body = { entries: data.entries, locks: data.locks };
  if (key === undefined) {
    return `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, ...body })}\n`;
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const data64 = Buffer.concat([
    cipher.update(JSON.stringify(body), 'utf8'),
    cipher.final(),
  ]).toString('base64');
  const encryption = {
    alg: ALG,
    kid: keyId(key),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data64,
  };
  return `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, encryption })}\n`;
}
