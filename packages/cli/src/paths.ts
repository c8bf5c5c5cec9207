/**
 * Where the command line keeps its files: the platform's per-user config directory (XDG Base
 * Directory on Linux and other Unix systems, `~/Library/Application Support` on macOS,
 * `%APPDATA%` on Windows), in a folder `hh-oauth`. `HH_OAUTH_CONFIG_DIR` overrides it.
 *
 * @see https://specifications.freedesktop.org/basedir-spec/latest/ XDG Base Directory
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export interface CliPaths {
  readonly dir: string;
  /** Profiles: client id, redirect URI, User-Agent. No secret is ever written here. */
  readonly config: string;
  /** The encrypted token store (sessions, the client secret, the app token). */
  readonly store: string;
  /** The store's AES-256 key, kept in its own 0600 file, apart from the data. */
  readonly key: string;
}

export function configDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const explicit = env['HH_OAUTH_CONFIG_DIR'];
  if (explicit) return explicit;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'hh-oauth');
  if (platform === 'win32') {
    return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'hh-oauth');
  }
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'hh-oauth');
}

export function cliPaths(env: NodeJS.ProcessEnv): CliPaths {
  const dir = configDir(env);
  return {
    dir,
    config: join(dir, 'config.json'),
    store: join(dir, 'store.json'),
    key: join(dir, 'store.key'),
  };
}
