/**
 * The token store's AES-256-GCM key, kept apart from the data: its own file `store.key` (64 hex
 * digits, mode 0600), or `HH_OAUTH_STORE_KEY` for machines that keep secrets in the environment
 * (CI). A copy of `store.json` alone — a backup, a synced folder — reveals nothing.
 *
 * Why not the OS keychain: the maintained binding (`@napi-rs/keyring`, prebuilt, 3.4 MB) answers
 * `Couldn't access platform storage: AccessDenied` on a machine without a Secret Service (servers,
 * containers, CI: where scripts and cron jobs run), so a file would be needed there anyway; see the
 * README for the measurement.
 *
 * The key file is created whole or not at all (written to a temp file, then hard-linked into
 * place, which fails if another process created it first), so four processes that start at once
 * on a fresh machine agree on one key.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { ensureDir } from './config-file.js';
import { CliError } from './errors.js';
import type { CliPaths } from './paths.js';

const HEX_KEY = /^[0-9a-f]{64}$/i;

function badKey(message: string, hint: string, cause?: unknown): CliError {
  return new CliError(
    'invalid_argument',
    'bad_key',
    message,
    hint,
    cause === undefined ? {} : { cause },
  );
}

/** The key, creating `store.key` when there is none yet (`create: false` only reads). */
export async function loadStoreKey(
  paths: CliPaths,
  env: NodeJS.ProcessEnv,
  options: { readonly create: boolean },
): Promise<string | undefined> {
  const fromEnv = env['HH_OAUTH_STORE_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!HEX_KEY.test(fromEnv.trim())) {
      throw badKey(
        'HH_OAUTH_STORE_KEY is not 64 hex digits',
        'Set HH_OAUTH_STORE_KEY to 32 random bytes in hex (`openssl rand -hex 32`), or unset it to use store.key.',
      );
    }
    return fromEnv.trim();
  }
  const existing = await readKeyFile(paths);
  if (existing !== undefined || !options.create) return existing;
  await ensureDir(paths);
  const temp = `${paths.key}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, paths.key);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  const created = await readKeyFile(paths);
  if (created === undefined) throw badKey(`${paths.key} vanished`, 'Run the command again.');
  return created;
}

async function readKeyFile(paths: CliPaths): Promise<string | undefined> {
  let text: string;
  try {
    if (process.platform !== 'win32') {
      const { mode } = await stat(paths.key);
      if ((mode & 0o077) !== 0) {
        throw badKey(
          `${paths.key} can be read by other users (mode ${(mode & 0o777).toString(8)})`,
          `Run \`chmod 600 ${paths.key}\`.`,
        );
      }
    }
    text = (await readFile(paths.key, 'utf8')).trim();
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw badKey(`cannot read ${paths.key}`, `Check the permissions of ${paths.key}.`, error);
  }
  if (!HEX_KEY.test(text)) {
    throw badKey(
      `${paths.key} is not a store key (64 hex digits)`,
      `Restore ${paths.key} from where you keep it; without it the store cannot be opened (delete store.json and sign in again).`,
    );
  }
  return text;
}
