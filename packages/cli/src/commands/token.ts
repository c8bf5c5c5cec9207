/**
 * `hh-oauth token`: a valid access token on stdout, for `curl -H "Authorization: Bearer
 * $(hh-oauth token)"`. The library decides: the stored token while it is valid, a refresh only
 * once it expired (never before: hh.ru refuses), and across processes one refresh under the
 * store's lock, the others reading its result. `hh-oauth app-token`: the application token, shared
 * through the store with hh.ru's 5-minute cool-down.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 RFC 6749 §4.4: client credentials
 */
import type { Context } from '../context.js';
import { printJson, writeLine } from '../output.js';
import { isoOf } from './login.js';

export async function token(ctx: Context): Promise<void> {
  const sessionId = await ctx.sessionId();
  const hh = await ctx.client();
  const accessToken = await hh.getAccessToken(sessionId);
  if (!ctx.json) {
    writeLine(ctx.io.stdout, accessToken);
    return;
  }
  const record = await hh.session(sessionId);
  const expiresAt =
    record?.tokens?.accessToken === accessToken ? record.tokens.expiresAt : undefined;
  printJson(ctx.io, { profile: ctx.profile, token: accessToken, expiresAt: isoOf(expiresAt) });
}

export async function appToken(ctx: Context): Promise<void> {
  const hh = await ctx.client();
  const accessToken = await hh.getAppToken();
  if (ctx.json) printJson(ctx.io, { profile: ctx.profile, token: accessToken });
  else writeLine(ctx.io.stdout, accessToken);
}
