/**
 * One command's world: the profile's settings (config file, then the environment on top), the
 * encrypted file store, the client secret, and `createHhOAuth` over them. `HH_OAUTH_BASE_URL`
 * points both hh.ru hosts at one origin (the emulator); nothing else changes.
 */
import type { HhOAuth } from '@hh-oauth/client';
import { parseRedirectUri } from '@hh-oauth/core';
import type { TokenStore } from '@hh-oauth/storage';
import { type ProfileConfig, readConfig } from './config-file.js';
import { CliError } from './errors.js';
import { profileFlag } from './hints.js';
import { type Io, interactive, writeLine } from './output.js';
import { type CliPaths, cliPaths } from './paths.js';
import { readProfileState, readStoredSecret, writeStoredSecret } from './profile-state.js';
import { loadStoreKey } from './store-key.js';

export interface GlobalOptions {
  readonly profile?: string;
  readonly json?: boolean;
}

export interface Settings extends ProfileConfig {
  readonly oauthBaseUrl?: string;
  readonly apiBaseUrl?: string;
}

/** Where each setting came from, for `config list` and `status`. */
export type Origin = 'config' | 'env';

export interface Context {
  readonly io: Io;
  readonly paths: CliPaths;
  readonly profile: string;
  readonly json: boolean;
  /** Every expiry decision and timestamp uses it (see {@link clockFrom}). */
  readonly clock: { now(): number };
  /** The store, opened on first use (creating the key file when missing). */
  store(): Promise<TokenStore>;
  settings(): Promise<Settings>;
  /**
   * The client for this profile; asks for the secret on a terminal when none is known (`prompt`).
   * `offline`: only reads the store (`status`), so a missing secret is no error.
   */
  client(options?: { readonly prompt?: boolean; readonly offline?: boolean }): Promise<HhOAuth>;
  /** The signed-in session id, or `not_signed_in`. */
  sessionId(): Promise<string>;
  close(): Promise<void>;
}

const ENV_SETTINGS = {
  clientId: 'HH_CLIENT_ID',
  redirectUri: 'HH_REDIRECT_URI',
  userAgent: 'HH_USER_AGENT',
} as const;

/** The config file's profile with the environment's `HH_CLIENT_ID` etc. on top. */
export function settingsFrom(profile: ProfileConfig, env: NodeJS.ProcessEnv): Settings {
  const out: Record<string, string> = {};
  for (const [field, name] of Object.entries(ENV_SETTINGS)) {
    const value = env[name] || profile[field as keyof ProfileConfig];
    if (value) out[field] = value;
  }
  const base = env['HH_OAUTH_BASE_URL'];
  if (base) {
    out['oauthBaseUrl'] = base;
    out['apiBaseUrl'] = base;
  }
  return out;
}

export function originOf(field: keyof ProfileConfig, env: NodeJS.ProcessEnv): Origin {
  return env[ENV_SETTINGS[field]] ? 'env' : 'config';
}

export function missingConfig(profile: string, missing: readonly string[]): CliError {
  const p = profileFlag(profile);
  const first = missing[0] ?? 'client-id';
  const example =
    first === 'user-agent' ? '"MyApp/1.0 (me@example.com)"' : first === 'client-id' ? 'ID' : 'URL';
  return new CliError(
    'invalid_argument',
    'no_config',
    `profile "${profile}" has no ${missing.join(', ')}`,
    `Run \`hh-oauth config set ${first} ${example}${p}\` (see \`hh-oauth config --help\`).`,
  );
}

/**
 * This process's clock: real time, shifted by `HH_OAUTH_CLOCK_OFFSET_MS` when set — for tests
 * against the emulator, whose clock they move (expiry is decided on the caller's clock).
 */
export function clockFrom(env: NodeJS.ProcessEnv): { now(): number } {
  const offset = Number(env['HH_OAUTH_CLOCK_OFFSET_MS'] ?? 0);
  if (!Number.isFinite(offset) || offset === 0) return Date;
  return { now: () => Date.now() + offset };
}

export function createContext(io: Io, options: GlobalOptions): Context {
  const paths = cliPaths(io.env);
  const clock = clockFrom(io.env);
  const profile = options.profile || io.env['HH_OAUTH_PROFILE'] || 'default';
  let store: TokenStore | undefined;
  let settings: Settings | undefined;

  const openStore = async (): Promise<TokenStore> => {
    if (store === undefined) {
      const encryptionKey = await loadStoreKey(paths, io.env, { create: true });
      const { createFileStore } = await import('@hh-oauth/storage/file');
      store = createFileStore({
        path: paths.store,
        now: () => clock.now(),
        ...(encryptionKey === undefined ? {} : { encryptionKey }),
      });
    }
    return store;
  };

  const loadSettings = async (): Promise<Settings> => {
    if (settings === undefined) {
      const config = await readConfig(paths);
      settings = settingsFrom(config.profiles[profile] ?? {}, io.env);
    }
    return settings;
  };

  const secret = async (prompt: boolean, offline: boolean): Promise<string> => {
    const fromEnv = io.env['HH_CLIENT_SECRET'];
    if (fromEnv) return fromEnv;
    const s = await openStore();
    const stored = await readStoredSecret(s, profile);
    if (stored) return stored;
    // Reading records sends nothing, so no secret is needed (createHhOAuth wants a non-empty one).
    if (offline) return 'not-needed-to-read-the-store';
    const p = profileFlag(profile);
    if (!prompt || !interactive(io)) {
      throw new CliError(
        'invalid_argument',
        'no_secret',
        `no client secret for profile "${profile}"`,
        `Set HH_CLIENT_SECRET, or run \`hh-oauth config set client-secret${p}\` (it asks without echoing and keeps it encrypted).`,
      );
    }
    const { askSecret } = await import('./prompts.js');
    const typed = await askSecret(io, 'Client secret (not shown; kept encrypted)');
    await writeStoredSecret(s, profile, typed);
    writeLine(io.stderr, 'The client secret is stored, encrypted, in the token store.');
    return typed;
  };

  return {
    io,
    paths,
    profile,
    json: options.json === true,
    clock,
    store: openStore,
    settings: loadSettings,
    async client(opts = {}) {
      const s = await loadSettings();
      const missing = [
        ...(s.clientId ? [] : ['client-id']),
        ...(s.userAgent ? [] : ['user-agent']),
      ];
      if (missing.length > 0) throw missingConfig(profile, missing);
      if (s.redirectUri !== undefined && !parseRedirectUri(s.redirectUri).ok) {
        throw new CliError(
          'invalid_redirect_uri',
          'no_config',
          `the redirect URI of profile "${profile}" is not valid`,
          `Set the one registered for the application: \`hh-oauth config set redirect-uri URL${profileFlag(profile)}\`.`,
        );
      }
      const { createHhOAuth } = await import('@hh-oauth/client');
      return createHhOAuth({
        clientId: s.clientId!,
        clientSecret: await secret(opts.prompt === true, opts.offline === true),
        userAgent: s.userAgent!,
        store: await openStore(),
        clock,
        ...(s.redirectUri === undefined ? {} : { redirectUri: s.redirectUri }),
        ...(s.oauthBaseUrl === undefined ? {} : { oauthBaseUrl: s.oauthBaseUrl }),
        ...(s.apiBaseUrl === undefined ? {} : { apiBaseUrl: s.apiBaseUrl }),
      });
    },
    async sessionId() {
      const state = await readProfileState(await openStore(), profile);
      if (state === undefined) {
        throw new CliError(
          'not_authorized',
          'not_signed_in',
          `nobody is signed in on profile "${profile}"`,
          `Run \`hh-oauth login${profileFlag(profile)}\`.`,
        );
      }
      return state.sessionId;
    },
    async close() {
      await store?.close();
    },
  };
}
