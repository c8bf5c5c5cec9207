/**
 * `hh-oauth config set|get|list`: the profile's client id, redirect URI and User-Agent in
 * `config.json` (0600). `config set client-secret` takes the secret from a prompt that echoes
 * nothing, or from one line of a piped stdin — never from the command line, where it would land in
 * the shell's history and in `ps` — and keeps it in the encrypted store, never in a plain file.
 */
import { parseRedirectUri } from '@hh-oauth/core';
import { CONFIG_KEYS, type ConfigKey, readConfig, updateProfile } from '../config-file.js';
import { type Context, originOf, settingsFrom } from '../context.js';
import { CliError } from '../errors.js';
import { profileFlag } from '../hints.js';
import { interactive, printJson, writeLine } from '../output.js';
import { readStoredSecret, writeStoredSecret } from '../profile-state.js';
import { askSecret, readLineFromStdin } from '../prompts.js';

const KEYS = [...Object.keys(CONFIG_KEYS), 'client-secret'];

function unknownKey(key: string): CliError {
  return new CliError(
    'invalid_argument',
    'usage',
    `unknown setting ${JSON.stringify(key)}`,
    `Settings: ${KEYS.join(', ')}.`,
  );
}

function check(key: ConfigKey, value: string): void {
  if (value.trim() === '') {
    throw new CliError(
      'invalid_argument',
      'usage',
      `${key} cannot be empty`,
      `Pass a value: \`hh-oauth config set ${key} VALUE\`.`,
    );
  }
  if (key === 'redirect-uri') {
    const parsed = parseRedirectUri(value);
    if (!parsed.ok) {
      throw new CliError(
        'invalid_redirect_uri',
        'usage',
        `the redirect URI ${parsed.message}`,
        'Use the redirect URI registered for the application, e.g. http://127.0.0.1:8765/callback.',
      );
    }
  }
}

async function setSecret(ctx: Context, value: string | undefined): Promise<void> {
  if (value !== undefined) {
    throw new CliError(
      'invalid_argument',
      'usage',
      'the client secret is not taken from the command line (it would stay in the shell history)',
      'Run `hh-oauth config set client-secret` and type it at the prompt, or pipe it in: `printf %s "$SECRET" | hh-oauth config set client-secret`.',
    );
  }
  const secret = interactive(ctx.io)
    ? await askSecret(ctx.io, 'Client secret (not shown; kept encrypted)')
    : await readLineFromStdin(ctx.io);
  if (!secret) {
    throw new CliError(
      'invalid_argument',
      'usage',
      'no client secret was given',
      'Type it at the prompt, or pipe one line into the command.',
    );
  }
  await writeStoredSecret(await ctx.store(), ctx.profile, secret);
}

export async function configSet(
  ctx: Context,
  key: string,
  value: string | undefined,
): Promise<void> {
  if (key === 'client-secret') {
    await setSecret(ctx, value);
  } else {
    if (!(key in CONFIG_KEYS)) throw unknownKey(key);
    const k = key as ConfigKey;
    if (value === undefined) {
      throw new CliError(
        'invalid_argument',
        'usage',
        `no value for ${key}`,
        `Run \`hh-oauth config set ${key} VALUE${profileFlag(ctx.profile)}\`.`,
      );
    }
    check(k, value);
    await updateProfile(ctx.paths, ctx.profile, (current) => ({
      ...current,
      [CONFIG_KEYS[k]]: value,
    }));
  }
  if (ctx.json) printJson(ctx.io, { profile: ctx.profile, key, set: true });
  else writeLine(ctx.io.stderr, `Set ${key} for profile ${ctx.profile}.`);
}

async function entries(ctx: Context) {
  const config = await readConfig(ctx.paths);
  const settings = settingsFrom(config.profiles[ctx.profile] ?? {}, ctx.io.env);
  const secret = ctx.io.env['HH_CLIENT_SECRET']
    ? 'env'
    : (await readStoredSecret(await ctx.store(), ctx.profile))
      ? 'store'
      : null;
  const out: Record<string, { value: string | null; from: string | null }> = {};
  for (const [key, field] of Object.entries(CONFIG_KEYS)) {
    const value = settings[field] ?? null;
    out[key] = { value, from: value === null ? null : originOf(field, ctx.io.env) };
  }
  // The secret's value is never shown: only where it comes from.
  out['client-secret'] = { value: secret === null ? null : '(hidden)', from: secret };
  if (settings.oauthBaseUrl) out['base-url'] = { value: settings.oauthBaseUrl, from: 'env' };
  return out;
}

export async function configGet(ctx: Context, key: string): Promise<void> {
  const all = await entries(ctx);
  const entry = all[key];
  if (entry === undefined) throw unknownKey(key);
  if (ctx.json) printJson(ctx.io, { profile: ctx.profile, key, ...entry });
  else if (entry.value !== null) writeLine(ctx.io.stdout, entry.value);
}

export async function configList(ctx: Context): Promise<void> {
  const all = await entries(ctx);
  if (ctx.json) {
    printJson(ctx.io, { profile: ctx.profile, dir: ctx.paths.dir, settings: all });
    return;
  }
  writeLine(ctx.io.stdout, `profile ${ctx.profile} (${ctx.paths.dir})`);
  for (const [key, { value, from }] of Object.entries(all)) {
    writeLine(
      ctx.io.stdout,
      `  ${key.padEnd(14)}${value ?? '(not set)'}${from === 'env' ? '  [from the environment]' : ''}`,
    );
  }
}
