/**
 * The demo's one secret, kept beside its store: a 32-byte key, made on the first start and written
 * with mode 0600. It seals the file store (AES-256-GCM) and, derived, signs the cookies, so that
 * `pnpm demo` needs no configuration and still keeps no token in plain text. A key given in
 * `DEMO_STORE_KEY` (64 hex digits or base64) is used instead, and nothing is written.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DemoKeys {
  /** The file store's key (32 bytes). */
  readonly storeKey: Buffer;
  /** The cookie-signing secret, derived from the key. */
  readonly cookieSecret: string;
  /** Where the key lives, or `given` when it came from the caller. */
  readonly source: string;
  /** The key was made by this call (a store file already there predates it). */
  readonly created: boolean;
}

function parseKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

const derive = (key: Buffer): DemoKeys['cookieSecret'] =>
  createHmac('sha256', key).update('hh-oauth-demo/cookies').digest('base64url');

/** The key at `path`, made there (0600) when missing; or the `given` one. */
export async function loadOrCreateKeys(path: string, given?: string): Promise<DemoKeys> {
  if (given !== undefined && given !== '') {
    const key = parseKey(given);
    if (key === undefined)
      throw new Error('DEMO_STORE_KEY must be 32 bytes: 64 hex digits or base64');
    return { storeKey: key, cookieSecret: derive(key), source: 'given', created: false };
  }
  let key: Buffer | undefined;
  let created = false;
  try {
    const text = await readFile(path, 'utf8');
    key = parseKey(text);
    if (key === undefined) throw new Error(`the demo's key file ${path} is not a 32-byte key`);
    // Tighten a key file someone loosened.
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    key = randomBytes(32);
    // `wx`: never overwrite a key another demo process made meanwhile; read that one instead.
    try {
      await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (raced) {
      if ((raced as { code?: string }).code !== 'EEXIST') throw raced;
      return loadOrCreateKeys(path);
    }
  }
  return { storeKey: key, cookieSecret: derive(key), source: path, created };
}
