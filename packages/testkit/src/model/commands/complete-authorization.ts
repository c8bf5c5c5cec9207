import { type SessionCommand, step } from './command.js';

export type CallbackVariant = 'valid' | 'forged_state' | 'denied' | 'replay_older';

/** The browser comes back to the redirect_uri with the last authorization's code (or a forgery). */
export class CompleteAuthorizationCommand implements SessionCommand {
  constructor(readonly variant: CallbackVariant) {}
  check = (world: Parameters<SessionCommand['check']>[0]) => world.authorizations.length > 0;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'CompleteAuthorization', async () => {
      const all = world.authorizations;
      const last = all[all.length - 1];
      const pick = this.variant === 'replay_older' ? all[0] : last;
      if (!pick) return;
      const statusBefore = world.status;
      const pending = world.actor.getSnapshot().context.pending;
      const now = world.clientNow;
      const callsBefore = world.calls.length;
      if (this.variant === 'denied') {
        await world.send({ type: 'auth.callback', now, state: pick.state, error: 'access_denied' });
      } else {
        const state = this.variant === 'forged_state' ? `${pick.state}x` : pick.state;
        await world.send({ type: 'auth.callback', now, state, code: pick.code });
      }
      const matches =
        statusBefore === 'authorizing' &&
        pending !== undefined &&
        this.variant !== 'forged_state' &&
        pending.state === pick.state;
      if (
        !matches &&
        this.variant !== 'denied' &&
        world.status === 'authorized' &&
        statusBefore !== 'authorized'
      ) {
        throw new Error('a callback without the pending state was accepted');
      }
      if (matches && now >= pending.expiresAt && world.status === 'authorized') {
        throw new Error('a callback past its TTL was accepted');
      }
      const exchange = world.calls[callsBefore];
      if (
        matches &&
        this.variant === 'valid' &&
        exchange?.effect === 'exchangeCode' &&
        exchange.during === 'auth.callback' &&
        exchange.errorCode === undefined &&
        world.status !== 'authorized'
      ) {
        throw new Error(`a successful exchange ended in ${world.status}`);
      }
    });
  toString = () => `CompleteAuthorization(${this.variant})`;
}
