/**
 * `hh-oauth status`: every profile (or one), who is signed in, when the access token expires and
 * what happens at the next refresh — like `gh auth status`. Reads the store only; sends nothing.
 * Exits 0 when every profile shown is signed in, 4 otherwise.
 */
import type { SessionRecord } from '@hh-oauth/core';
import { readConfig } from '../config-file.js';
import { type Context, createContext, originOf, settingsFrom } from '../context.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { profileFlag } from '../hints.js';
import { colorsFor, printJson, writeLine } from '../output.js';
import { readProfileState, type SignedInUser } from '../profile-state.js';
import { describeUser, isoOf } from './login.js';

export interface ProfileStatus {
  readonly profile: string;
  readonly clientId: string | null;
  readonly redirectUri: string | null;
  readonly signedIn: boolean;
  readonly user: SignedInUser | null;
  /** The session's state: `authorized`, `stale`, `failed`, `signedOut`, … or `none`. */
  readonly session: string;
  readonly expiresAt: string | null;
  readonly expired: boolean;
  /** What the next `token` does: `none` (valid), `refresh` (expired), `wait` (until retryAt), `reauthorize`. */
  readonly next: 'none' | 'refresh' | 'wait' | 'reauthorize';
  readonly retryAt: string | null;
  readonly error: { readonly code: string } | null;
}

function nextStep(record: SessionRecord | undefined, now: number): ProfileStatus['next'] {
  if (record === undefined || record.status !== 'authorized' || !record.tokens) {
    return record?.status === 'stale' ? 'refresh' : 'reauthorize';
  }
  const expiresAt = record.tokens.expiresAt;
  if (expiresAt === undefined || expiresAt > now) return 'none';
  if (record.retryAt !== undefined && record.retryAt > now) return 'wait';
  return record.tokens.refreshToken ? 'refresh' : 'reauthorize';
}

async function statusOf(ctx: Context): Promise<ProfileStatus> {
  const settings = await ctx.settings();
  const state = await readProfileState(await ctx.store(), ctx.profile);
  let record: SessionRecord | undefined;
  if (state !== undefined && settings.clientId && settings.userAgent) {
    record = await (await ctx.client({ offline: true })).session(state.sessionId);
  }
  const now = ctx.clock.now();
  const expiresAt = record?.tokens?.expiresAt;
  return {
    profile: ctx.profile,
    clientId: settings.clientId ?? null,
    redirectUri: settings.redirectUri ?? null,
    signedIn: record?.status === 'authorized',
    user: state?.user ?? null,
    session: record?.status ?? 'none',
    expiresAt: isoOf(expiresAt),
    expired: expiresAt !== undefined && expiresAt <= now,
    next: nextStep(record, now),
    retryAt: isoOf(record?.retryAt),
    error: record?.error ? { code: record.error.code } : null,
  };
}

function inDays(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const hours = Math.abs(ms) / 3_600_000;
  const span = hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} h`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

function print(ctx: Context, s: ProfileStatus, env: NodeJS.ProcessEnv): void {
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  const out = (text: string) => writeLine(ctx.io.stdout, text);
  const p = profileFlag(s.profile);
  const idOrigin = originOf('clientId', env) === 'env' ? ' from HH_CLIENT_ID' : '';
  out(
    `${c.bold(s.profile)}  client ${s.clientId ?? '(not set)'}${idOrigin}, redirect ${s.redirectUri ?? '(not set)'}`,
  );
  if (s.session === 'none') {
    out(`  ${c.red('✗')} Not signed in: run \`hh-oauth login${p}\``);
    return;
  }
  const who = s.user ? describeUser(s.user) : 'unknown user';
  if (s.signedIn)
    out(`  ${c.green('✓')} Signed in as ${c.bold(who)}${s.user ? `, id ${s.user.id}` : ''}`);
  else out(`  ${c.red('✗')} ${who}: session ${s.session}${s.error ? ` (${s.error.code})` : ''}`);
  if (s.expiresAt) {
    out(
      `  - Access token ${s.expired ? 'expired' : 'valid until'} ${s.expiresAt} (${inDays(s.expiresAt, ctx.clock.now())})`,
    );
  }
  const next = {
    none: 'Refresh: not before it expires (hh.ru refuses earlier); then on next use',
    refresh: `Refresh: on next use (\`hh-oauth token${p}\`), once across processes`,
    wait: `Refresh: hh.ru said "not expired"; next try after ${s.retryAt}`,
    reauthorize: `Sign in again: \`hh-oauth login${p}\``,
  }[s.next];
  out(`  - ${next}`);
}

export async function status(ctx: Context, all: boolean): Promise<ExitCode> {
  const config = await readConfig(ctx.paths);
  const fromEnv = settingsFrom({}, ctx.io.env).clientId !== undefined;
  const configured = Object.keys(config.profiles);
  const names = all && configured.length > 0 ? configured : [ctx.profile];
  if (!config.profiles[names[0]!] && !fromEnv) {
    throw new CliError(
      'invalid_argument',
      'no_config',
      all ? 'no profile is configured' : `profile "${ctx.profile}" is not configured`,
      `Run \`hh-oauth config set client-id ID${profileFlag(ctx.profile)}\` (see the README's "Command line").`,
    );
  }
  const results: ProfileStatus[] = [];
  for (const name of names) {
    const one = name === ctx.profile ? ctx : createContext(ctx.io, { profile: name });
    try {
      results.push(await statusOf(one));
    } finally {
      if (one !== ctx) await one.close();
    }
  }
  if (ctx.json) printJson(ctx.io, { profiles: results });
  else for (const s of results) print(ctx, s, ctx.io.env);
  return results.every((s) => s.signedIn) ? EXIT.ok : EXIT.reauthorize;
}
