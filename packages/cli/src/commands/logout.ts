/**
 * `hh-oauth logout`: revokes the token at hh.ru (`DELETE /oauth/token`; the library refreshes an
 * expired pair first, since hh.ru invalidates only a valid access token) and forgets the session.
 * When hh.ru could not be reached or answered 5xx, the session is kept so the command can be run
 * again; when the grant was already gone, the session is forgotten all the same.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009 RFC 7009 (hh.ru's DELETE /oauth/token plays its part)
 */
import { isHhOAuthError } from '@hh-oauth/core';
import type { Context } from '../context.js';
import { colorsFor, printJson, writeLine } from '../output.js';
import { deleteProfileState } from '../profile-state.js';

export async function logout(ctx: Context): Promise<void> {
  const sessionId = await ctx.sessionId();
  const hh = await ctx.client();
  let revoked = true;
  try {
    await hh.revoke(sessionId);
  } catch (error) {
    // A grant hh.ru already dropped (revoked, deactivated, never finished) needs no revocation.
    if (!isHhOAuthError(error) || error.recovery !== 'reauthorize') throw error;
    revoked = false;
  }
  await deleteProfileState(await ctx.store(), ctx.profile);
  if (ctx.json) {
    printJson(ctx.io, { profile: ctx.profile, loggedOut: true, revoked });
    return;
  }
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  writeLine(
    ctx.io.stdout,
    revoked
      ? `${c.green('✓')} Logged out of profile ${ctx.profile}: the token is revoked at hh.ru`
      : `${c.green('✓')} Logged out of profile ${ctx.profile} (hh.ru had already ended the grant)`,
  );
}
