/**
 * `config.json`: one entry per profile with the non-secret settings (client id, redirect URI,
 * User-Agent). Written whole through a temp file and a rename, mode 0600, in a 0700 folder. The
 * client secret never comes here: it lives in the encrypted store (see `secret.ts`).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { CliError } from './errors.js';
import type { CliPaths } from './paths.js';

export interface ProfileConfig {
  readonly clientId?: string;
  readonly redirectUri?: string;
  readonly userAgent?: string;
}

export interface ConfigFile {
  readonly version: 1;
  readonly profiles: Readonly<Record<string, ProfileConfig>>;
}

export const CONFIG_KEYS = {
  'client-id': 'clientId',
  'redirect-uri': 'redirectUri',
  'user-agent': 'userAgent',
} as const satisfies Record<string, keyof ProfileConfig>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

const EMPTY: ConfigFile = { version: 1, profiles: {} };

export async function readConfig(paths: CliPaths): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(paths.config, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return EMPTY;
    throw badConfig(paths, error);
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    if (parsed.version !== 1 || typeof parsed.profiles !== 'object' || parsed.profiles === null) {
      throw new Error('not an hh-oauth config file');
    }
    const profiles: Record<string, ProfileConfig> = {};
    for (const [name, value] of Object.entries(parsed.profiles)) {
      const entry: Record<string, string> = {};
      for (const field of Object.values(CONFIG_KEYS)) {
        const v = (value as Record<string, unknown>)?.[field];
        if (typeof v === 'string') entry[field] = v;
      }
      profiles[name] = entry;
    }
    return { version: 1, profiles };
  } catch (error) {
    throw badConfig(paths, error);
  }
}

function badConfig(paths: CliPaths, cause: unknown): CliError {
  return new CliError(
    'invalid_argument',
    'bad_config',
    `cannot read the config file ${paths.config}`,
    `Fix or delete ${paths.config}, then run \`hh-oauth config set …\` again.`,
    { cause },
  );
}

export async function ensureDir(paths: CliPaths): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
}

/** Writes the whole file atomically, 0600. */
export async function writeConfig(paths: CliPaths, config: ConfigFile): Promise<void> {
  await ensureDir(paths);
  const temp = `${paths.config}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, paths.config);
}

export async function updateProfile(
  paths: CliPaths,
  profile: string,
  change: (current: ProfileConfig) => ProfileConfig,
): Promise<ProfileConfig> {
  const config = await readConfig(paths);
  const next = change(config.profiles[profile] ?? {});
  await writeConfig(paths, { version: 1, profiles: { ...config.profiles, [profile]: next } });
  return next;
}
