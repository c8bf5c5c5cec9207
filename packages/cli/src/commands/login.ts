/**
 * `hh-oauth login`: the authorization code grant from a terminal. Binds the redirect URI's host
 * and port first (so a taken port fails before anything is stored), starts the authorization,
 * prints the URL (and opens a browser when there is one), waits with a spinner until the browser
 * comes back or the timeout passes, completes the authorization bound to this run's `state`, and
 * prints who signed in (`GET /me`). `--manual`: the user pastes the address the browser landed on,
 * for redirect URIs this machine cannot listen on (custom schemes, another host).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 RFC 8252 §7.3
 */
import { isHhOAuthError } from '@hh-oauth/core';
import { openBrowser } from '../browser.js';
import { type Callback, type CallbackServer, listenForCallback } from '../callback-server.js';
import { type Context, missingConfig } from '../context.js';
import { CliError } from '../errors.js';
import { profileFlag } from '../hints.js';
import { colorsFor, messageOf, printJson, writeLine } from '../output.js';
import { readProfileState, type SignedInUser, writeProfileState } from '../profile-state.js';
import { askPastedUrl, cancelled, startWaiting } from '../prompts.js';

export interface LoginOptions {
  readonly forceLogin?: boolean;
  readonly manual?: boolean;
  /** Seconds to wait for the browser. */
  readonly timeout: number;
  readonly browser: boolean;
}

/** The `/me` fields `login` and `status` show. */
export function userOf(me: unknown): SignedInUser {
  const m = (me ?? {}) as Record<string, unknown>;
  const name = [m['first_name'], m['last_name']]
    .filter((x) => typeof x === 'string' && x)
    .join(' ');
  const email = typeof m['email'] === 'string' ? m['email'] : undefined;
  const id = String(m['id'] ?? '');
  return { id, name: name || email || id, ...(email === undefined ? {} : { email }) };
}

export function describeUser(user: SignedInUser): string {
  return user.email && user.email !== user.name ? `${user.name} (${user.email})` : user.name;
}

function badPaste(profile: string): CliError {
  return new CliError(
    'invalid_callback',
    'bad_paste',
    'the pasted text is not the address of an hh.ru callback (no absolute URL with state or error)',
    `Copy the whole address from the browser's address bar (it starts with the redirect URI), then run \`hh-oauth login --manual${profileFlag(profile)}\` again.`,
  );
}

/** The pasted address, checked before it reaches the library: absolute, with state or error. */
function pastedCallback(text: string | undefined, profile: string): string {
  if (!text) throw badPaste(profile);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badPaste(profile);
  }
  if (!url.searchParams.has('state') && !url.searchParams.has('error')) throw badPaste(profile);
  return url.href;
}

function timedOut(seconds: number, profile: string): CliError {
  return new CliError(
    'timeout',
    'login_timeout',
    `nobody came back from the browser within ${seconds} s`,
    `Run \`hh-oauth login${profileFlag(profile)}\` again and finish signing in within the time (or pass --timeout SECONDS).`,
  );
}

/** Waits for the callback, the timeout or Ctrl-C, whichever comes first. */
async function waitForBrowser(
  ctx: Context,
  server: CallbackServer,
  state: string,
  seconds: number,
): Promise<Callback> {
  let timer: NodeJS.Timeout | undefined;
  let cancel!: () => void;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(seconds, ctx.profile)), seconds * 1000);
    cancel = () => reject(cancelled());
  });
  const waiting = startWaiting(
    ctx.io,
    `Waiting for the browser to come back (${seconds} s; Ctrl-C to stop)…`,
    () => cancel(),
  );
  try {
    const callback = await Promise.race([server.next(state), stopped]);
    waiting.stop('The browser came back.');
    return callback;
  } catch (error) {
    waiting.fail('Stopped waiting for the browser.');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export async function login(ctx: Context, options: LoginOptions): Promise<void> {
  const { io, profile } = ctx;
  const hh = await ctx.client({ prompt: true });
  const settings = await ctx.settings();
  if (!options.manual && settings.redirectUri === undefined) {
    throw missingConfig(profile, ['redirect-uri']);
  }
  const server = options.manual
    ? undefined
    : await listenForCallback(settings.redirectUri!, profile);
  const c = colorsFor(io.stderr, io.env);
  let sessionId: string;
  try {
    const previous = await readProfileState(await ctx.store(), profile);
    const started = await hh.startAuthorization({
      ...(previous === undefined ? {} : { sessionId: previous.sessionId }),
      ...(options.forceLogin ? { forceLogin: true } : {}),
    });
    sessionId = started.sessionId;
    writeLine(io.stderr, 'Open this address in a browser to sign in to hh.ru:');
    writeLine(io.stderr);
    writeLine(io.stderr, `  ${c.cyan(started.url)}`);
    writeLine(io.stderr);
    if (server === undefined) {
      const pasted = await askPastedUrl(io, 'Paste the address your browser landed on:');
      await hh.completeAuthorization(pastedCallback(pasted, profile), {
        expectedState: started.state,
      });
    } else {
      if (options.browser && openBrowser(started.url, io.env)) {
        writeLine(io.stderr, 'Opened your browser.');
      }
      const callback = await waitForBrowser(ctx, server, started.state, options.timeout);
      try {
        await hh.completeAuthorization(callback.url, { expectedState: started.state });
        callback.respond({ ok: true });
      } catch (error) {
        const reason = isHhOAuthError(error) ? `${messageOf(error)} (${error.code})` : 'failed';
        callback.respond({ ok: false, reason });
        throw error;
      }
    }
  } finally {
    await server?.close();
  }
  const user = userOf(await hh.me(sessionId));
  await writeProfileState(await ctx.store(), profile, {
    v: 1,
    sessionId,
    user,
    signedInAt: ctx.clock.now(),
  });
  const record = await hh.session(sessionId);
  if (ctx.json) {
    printJson(io, { profile, user, expiresAt: isoOf(record?.tokens?.expiresAt) });
  } else {
    writeLine(
      io.stdout,
      `${c.green('✓')} Signed in to hh.ru as ${c.bold(describeUser(user))}, profile ${profile}`,
    );
  }
}

export function isoOf(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
