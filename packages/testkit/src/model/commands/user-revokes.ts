import { type SessionCommand, step } from './command.js';

/** The user revokes the application in their hh.ru settings (the session does not know yet). */
export class UserRevokesCommand implements SessionCommand {
  check = (world: Parameters<SessionCommand['check']>[0]) =>
    world.actor.getSnapshot().context.tokens !== undefined;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'UserRevokes', () => {
      const token = world.actor.getSnapshot().context.tokens?.accessToken;
      if (token !== undefined) world.server.userRevokes(token);
    });
  toString = () => 'UserRevokes';
}
