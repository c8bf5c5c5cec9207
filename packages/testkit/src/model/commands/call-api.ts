import { type SessionCommand, step } from './command.js';

/** The caller uses its token on the API; a 403 oauth answer becomes the matching event. */
export class CallApiCommand implements SessionCommand {
  check = (world: Parameters<SessionCommand['check']>[0]) => world.status === 'authorized';
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'CallApi', async () => {
      const token = world.accessToken();
      if (token === undefined) return;
      const verdict = world.server.check(token);
      if (verdict === 'token_expired') {
        await world.send({ type: 'token.expired', now: world.clientNow });
      } else if (verdict !== 'ok') {
        await world.send({ type: 'token.rejected', now: world.clientNow, code: verdict });
        if (world.status !== 'failed') throw new Error(`${verdict} did not end in failed`);
      }
    });
  toString = () => 'CallApi';
}
