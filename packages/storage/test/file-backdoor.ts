/**
 * Reads the file store's file on its own, following the documented format (README, file-format.ts)
 * with node:crypto directly, so that the suite checks the bytes on disk and not the store's reading
 * of them.
 */
import { createDecipheriv } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Backdoor } from '@hh-oauth/storage/conformance';

interface RawFile {
  entries: Record<string, { value: string; version: number }>;
  locks: Record<string, { owner: string }>;
}

/** Opens the file at `path`; a sealed one as bound to `context` (default: `path` itself). */
export async function readStoreFile(
  path: string,
  key: Buffer | undefined,
  context: string = path,
): Promise<RawFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { entries: {}, locks: {} };
  }
  const parsed = JSON.parse(text);
  if (parsed.format !== 'hh-oauth-token-store' || parsed.formatVersion !== 1) {
    throw new Error('not a store file');
  }
  if (key === undefined) {
    if (parsed.encryption !== undefined) throw new Error('unexpectedly encrypted');
    return parsed;
  }
  const { alg, kid, generation, iv, tag, data } = parsed.encryption;
  if (alg !== 'A256GCM') throw new Error('unexpected algorithm');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'), {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(`hh-oauth-token-store/1\n${kid}\n${generation}\n${context}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}

export function readFileBackdoor(path: string, key: Buffer | undefined): Backdoor {
  return {
    async readRaw(entryKey) {
      const { entries } = await readStoreFile(path, key);
      const entry = Object.hasOwn(entries, entryKey) ? entries[entryKey] : undefined;
      return entry && { value: entry.value, version: entry.version };
    },
    async readRawLock(lockKey) {
      const { locks } = await readStoreFile(path, key);
      return Object.hasOwn(locks, lockKey) ? locks[lockKey]?.owner : undefined;
    },
  };
}
