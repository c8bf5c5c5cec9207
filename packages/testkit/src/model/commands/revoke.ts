import { type SessionCommand, step } from './command.js';

/** The user signs out. */
export class RevokeCommand implements SessionCommand {
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'Revoke', async () => {
      await world.send({ type: 'session.revoke', now: world.clientNow });
      // Signed out, unless hh.ru answered the invalidation with a 5xx: then the token is alive at
      // hh.ru and the pair is kept, so that signing out can be tried again.
      const kept =
        world.status === 'authorized' &&
        world.actor.getSnapshot().context.error?.code === 'server_error';
      if (world.status !== 'signedOut' && !kept) {
        throw new Error(`session.revoke ended in ${world.status}`);
      }
    });
  toString = () => 'Revoke';
}
