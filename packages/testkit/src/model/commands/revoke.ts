import { type SessionCommand, step } from './command.js';

/** The user signs out. */
export class RevokeCommand implements SessionCommand {
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'Revoke', async () => {
      await world.send({ type: 'session.revoke', now: world.clientNow });
      if (world.status !== 'signedOut') throw new Error(`session.revoke ended in ${world.status}`);
    });
  toString = () => 'Revoke';
}
