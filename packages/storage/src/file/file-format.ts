/**
 * The file store's on-disk format, plain or sealed with AES-256-GCM.
 *
 * Plain:     {"format":"hh-oauth-token-store","formatVersion":1,"entries":{…},"locks":{…}}
 * Encrypted: {"format":"hh-oauth-token-store","formatVersion":1,
 *             "encryption":{"alg":"A256GCM","kid":"…","generation":n,"iv":"…","tag":"…","data":"…"}}
 * where `data` (base64) seals the JSON text {"entries":{…},"locks":{…}} with a fresh 96-bit IV per
 * write and a 128-bit tag; `kid` = the first 16 hex digits of SHA-256("hh-oauth-token-store/kid" ‖
 * key), which tells "another key" apart from "tampered"; `generation` counts the store's writes.
 * The additional authenticated data is
 *
 *     "hh-oauth-token-store/1" ‖ "\n" ‖ kid ‖ "\n" ‖ generation ‖ "\n" ‖ context
 *
 * with `context` the store's absolute path (or the `encryptionContext` option): a sealed file
 * copied to another store's path does not open, and an older file put back is caught by its
 * generation (see `file-store.ts`). Whole-file sealing hides the keys (session ids, `state`s) as
 * well as the values.
 *
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf NIST SP 800-38D (GCM)
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { parseKeyBytes } from '../key-material.js';

export const FORMAT = 'hh-oauth-token-store';
export const FORMAT_VERSION = 1;
const ALG = 'A256GCM';
const TAG_BYTES = 16;

/** How a sealed file is sealed and opened. */
export interface Sealing {
  /** The first key seals; every one opens (rotation). */
  readonly keys: readonly Buffer[];
  /** What the ciphertext is bound to: the store's absolute path, or `encryptionContext`. */
  readonly context: string;
}

/** A decoded file: its data and its write generation (0 for a plain or missing file). */
export interface Decoded {
  readonly data: FileData;
  readonly generation: number;
}

const aad = (kid: string, generation: number, context: string) =>
  Buffer.from(`${FORMAT}/${FORMAT_VERSION}\n${kid}\n${generation}\n${context}`, 'utf8');

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
    readonly kind: 'corrupt' | 'decryption_failed' | 'rollback',
    message: string,
  ) {
    super(message);
  }
}

/** Parses an encryption key: 32 bytes, as bytes, 64 hex digits, or base64/base64url. */
export function parseEncryptionKey(key: unknown): Buffer | undefined {
  const bytes = parseKeyBytes(key);
  return bytes === undefined ? undefined : Buffer.from(bytes);
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
export function decode(text: string, sealing: Sealing | undefined): Decoded {
  if (text.length === 0) return { data: emptyData(), generation: 0 };
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
    if (sealing !== undefined) {
      throw new FormatError(
        'decryption_failed',
        'the file is not encrypted but an encryptionKey was given; refusing to read or overwrite it',
      );
    }
    return { data: readData(parsed), generation: 0 };
  }
  if (sealing === undefined) {
    throw new FormatError('decryption_failed', 'the file is encrypted; pass its encryptionKey');
  }
  const generation = isRecord(sealed) ? sealed['generation'] : undefined;
  if (
    !isRecord(sealed) ||
    sealed['alg'] !== ALG ||
    typeof sealed['kid'] !== 'string' ||
    typeof generation !== 'number' ||
    !Number.isSafeInteger(generation) ||
    generation < 1 ||
    typeof sealed['iv'] !== 'string' ||
    typeof sealed['tag'] !== 'string' ||
    typeof sealed['data'] !== 'string'
  ) {
    throw new FormatError('corrupt', 'the file has a malformed encryption envelope');
  }
  const kid = sealed['kid'];
  const key = sealing.keys.find((each) => keyId(each) === kid);
  if (key === undefined) {
    throw new FormatError(
      'decryption_failed',
      'the file is encrypted with a different key (its key id is not among the given keys); nothing was changed',
    );
  }
  const tag = Buffer.from(sealed['tag'], 'base64');
  // A truncated tag would be accepted by a decipher that is not told the tag's length.
  if (tag.length !== TAG_BYTES) {
    throw new FormatError('corrupt', 'the file has a malformed encryption envelope');
  }
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed['iv'], 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(kid, generation, sealing.context));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([
      decipher.update(Buffer.from(sealed['data'], 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new FormatError(
      'decryption_failed',
      'the file could not be decrypted: wrong key or tampered, or sealed for another store path (see encryptionContext); nothing was changed',
    );
  }
  try {
    return { data: readData(JSON.parse(plain)), generation };
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError('corrupt', 'the decrypted content is not JSON');
  }
}

/** Encodes the data as the file's text; sealed with the first key, as `generation`, when sealing. */
export function encode(data: FileData, sealing: Sealing | undefined, generation: number): string {
  const body = { entries: data.entries, locks: data.locks };
  const key = sealing?.keys[0];
  if (sealing === undefined || key === undefined) {
    return `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, ...body })}\n`;
  }
  const kid = keyId(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid, generation, sealing.context));
  const data64 = Buffer.concat([
    cipher.update(JSON.stringify(body), 'utf8'),
    cipher.final(),
  ]).toString('base64');
  const encryption = {
    alg: ALG,
    kid,
    generation,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data64,
  };
  return `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, encryption })}\n`;
}
