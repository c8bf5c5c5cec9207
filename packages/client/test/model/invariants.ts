// What must hold after every command of a client model run, checked against the model's logs and
// the real store (not against what the client says of itself).
import { isHhOAuthError } from '@hh-oauth/core';
import type { ClientWorld } from './world.js';

export class ClientInvariantError extends Error {
  override name = 'ClientInvariantError';
}

function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ClientInvariantError(message);
}

/** The stored session's status after the previous command of each run. */
const lastStatus = new WeakMap<ClientWorld, string | undefined>();

/**
 * 1. a refresh token is sent at most once — again only after hh.ru answered `token not expired`
 *    for it (proof it was not consumed);
 * 2. never before its pair expired by the caller's clock, unless the API said `token_expired`;
 * 3. no received pair is lost: the last pair hh.ru issued and the client received is in the store
 *    or held by a client, while hh.ru still honours it and the session is not signed out (a
 *    signed-out record expires after the client's `endedSessionTtlMs`: gone, it is still signed
 *    out);
 * 4. every rejection is a typed `HhOAuthError`.
 */
export async function assertClientInvariants(world: ClientWorld, after: string): Promise<void> {
  const where = `after ${after}`;
  const seen = new Map<string, { sends: number; notExpired: number }>();
  for (const send of world.sends) {
    const count = seen.get(send.refreshToken) ?? { sends: 0, notExpired: 0 };
    ensure(
      count.sends <= count.notExpired,
      `${where}: refresh token ${send.refreshToken} sent again after an answer that may have consumed it`,
    );
    count.sends += 1;
    if (send.outcome === 'token_not_expired') count.notExpired += 1;
    seen.set(send.refreshToken, count);
    const pair = world.delivered.find((d) => d.tokens.refreshToken === send.refreshToken);
    ensure(
      pair !== undefined,
      `${where}: sent refresh token ${send.refreshToken} was never issued`,
    );
    ensure(
      send.clientNow >= pair.expiresAtClient || world.toldExpired.has(pair.tokens.accessToken),
      `${where}: refreshed at ${send.clientNow}, before expiry ${pair.expiresAtClient}, unasked`,
    );
  }

  const last = world.delivered.at(-1);
  if (last !== undefined) {
    const record = world.storedSession();
    const alive = world.server.check(last.tokens.accessToken);
    const honoured = alive === 'ok' || alive === 'token_expired';
    const expiredSignedOut = record === undefined && lastStatus.get(world) === 'signedOut';
    lastStatus.set(world, expiredSignedOut ? 'signedOut' : record?.status);
    if (honoured && record?.status !== 'signedOut' && !expiredSignedOut) {
      const inStore = record?.tokens?.accessToken === last.tokens.accessToken;
      ensure(
        inStore || (await world.heldBySomeClient(last.tokens.accessToken)),
        `${where}: the pair ${last.tokens.accessToken} hh.ru issued was lost (store: ${record?.status} ${record?.tokens?.accessToken})`,
      );
    }
  }

  for (const rejection of world.rejections) {
    ensure(
      isHhOAuthError(rejection),
      `${where}: a call rejected with an untyped ${String(rejection)}`,
    );
  }
}
