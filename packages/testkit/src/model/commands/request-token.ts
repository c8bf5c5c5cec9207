import { type SessionCommand, step } from './command.js';

/** The caller needs a token: `token.request`, then the hot path. */
export class RequestTokenCommand implements SessionCommand {
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'RequestToken', async () => {
      await world.send({ type: 'token.request', now: world.clientNow });
      world.accessToken();
    });
  toString = () => 'RequestToken';
}
