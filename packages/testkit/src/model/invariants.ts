import { accessTokenFor, isSettled } from '@hh-oauth/core';
import type { SessionWorld } from './world.js';

/** An invariant of the session machine against hh.ru's rules was broken. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/**
 * What must hold after every command of a model-based run (packages/core/README.md):
 * 1. no refresh before `expiresAt` by the caller's clock, nor before `retryAt`, unless the event
 *    was `token.expired`;
 * 2. a refresh token is sent at most once — again only after hh.ru answered `token not expired`
 *    for it (proof it was not consumed);
 * 3. `redirect_uri` reaches the token endpoint exactly when it went to `/oauth/authorize`, byte
 *    for byte;
 * 4. no token is handed out, refreshed or sent after the session asked hh.ru to invalidate it,
 *    and none at all while `signedOut` or `failed`;
 * 5. `failed` never loops: a command makes at most one request (a sign-out of an expired pair:
 *    a refresh, then the invalidation), and none from `failed` unless the user authorizes again;
 * 6. every token handed out was issued by hh.ru, and the session is always settled.
 */
export function assertSessionInvariants(
  world: SessionWorld,
  command: { readonly callsBefore: number; readonly statusBefore: string; readonly name: string },
): void {
  const snapshot = world.actor.getSnapshot();
  const status = snapshot.value;
  ensure(isSettled(snapshot), `the session did not settle (${status})`);
  const fresh = world.calls.slice(command.callsBefore);
  // 5. One event, at most one request; none from failed without a new authorization. Signing out
  //    an expired pair is the one exception: a refresh, then the invalidation.
  const revokeAfterRefresh =
    command.name === 'Revoke' &&
    fresh[0]?.effect === 'refreshTokens' &&
    (fresh.length === 1 || fresh[1]?.effect === 'invalidateToken');
  ensure(
    fresh.length <= (revokeAfterRefresh ? 2 : 1),
    `${command.name} made ${fresh.length} requests: a retry loop`,
  );
  if (command.statusBefore === 'failed' && command.name !== 'CompleteAuthorization') {
    ensure(fresh.length === 0, `${command.name} made a request from failed`);
  }
  for (const call of fresh) {
    if (call.effect === 'refreshTokens') {
      // 1. No early refresh unless told.
      const expiresAt = call.tokensBefore?.expiresAt;
      if (call.during !== 'token.expired') {
        ensure(
          expiresAt !== undefined && call.clientNow >= expiresAt,
          `refreshed at ${call.clientNow} before expiresAt ${expiresAt} without token.expired`,
        );
        ensure(
          call.retryAtBefore === undefined || call.clientNow >= call.retryAtBefore,
          `refreshed at ${call.clientNow} before retryAt ${call.retryAtBefore}`,
        );
      }
      // 2. At most once, unless hh.ru said it did not take it.
      const token = call.input.refreshToken ?? '';
      const earlier = world.calls.filter(
        (c) => c !== call && c.effect === 'refreshTokens' && c.input.refreshToken === token,
      );
      ensure(
        earlier.every((c) => c.errorCode === 'token_not_expired'),
        `refresh token ${token} sent again after an answer that may have consumed it`,
      );
      // 4. Never a token of an invalidated session (an invalidation sent before this refresh).
      const before = world.calls.slice(0, world.calls.indexOf(call));
      ensure(
        !before.some(
          (c) =>
            c.effect === 'invalidateToken' &&
            c.errorCode !== 'server_error' &&
            c.input.accessToken === call.tokensBefore?.accessToken,
        ),
        'refreshed a pair after asking hh.ru to invalidate it',
      );
    }
    if (call.effect === 'exchangeCode') {
      // 3. redirect_uri byte-equal to what /oauth/authorize got, or absent with it.
      const code = call.input.code ?? '';
      const issued = world.server.codes.get(code);
      ensure(issued !== undefined, `exchanged a code hh.ru never issued (${code})`);
      ensure(
        Object.hasOwn(call.input, 'redirectUri') === (issued.redirectUri !== undefined) &&
          call.input.redirectUri === issued.redirectUri,
        `redirect_uri ${JSON.stringify(call.input.redirectUri)} sent for a code authorized with ${JSON.stringify(issued.redirectUri)}`,
      );
    }
  }
  // 4. No token while signed out or failed, and never an invalidated one.
  const result = accessTokenFor(snapshot, world.clientNow);
  if (status === 'signedOut' || status === 'failed') {
    ensure(!result.ok && snapshot.context.tokens === undefined, `a token is held while ${status}`);
  }
  for (const { token } of world.handedOut) {
    ensure(world.server.issued(token), `handed out a token hh.ru never issued (${token})`);
  }
  if (result.ok) {
    ensure(!world.revoked.has(result.accessToken), 'an invalidated token is still handed out');
  }
  // The stored record always reads back.
  ensure(world.stored.v === 1, 'the stored record lost its version');
}
