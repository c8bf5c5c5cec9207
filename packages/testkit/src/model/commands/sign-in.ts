import { type SessionCommand, step } from './command.js';

/** The whole sign-in at once: `auth.start`, consent at hh.ru, and the callback with its code. */
export class SignInCommand implements SessionCommand {
  constructor(
    readonly state: string,
    readonly redirectUri: string | undefined,
  ) {}
  check = (world: Parameters<SessionCommand['check']>[0]) => world.status !== 'authorized';
  run = async (world: Parameters<SessionCommand['run']>[0]) => {
    await step(world, 'StartAuthorization', async () => {
      const now = world.clientNow;
      const state = world.freshState(this.state);
      await world.send(
        this.redirectUri === undefined
          ? { type: 'auth.start', now, state }
          : { type: 'auth.start', now, state, redirectUri: this.redirectUri },
      );
      const code = world.server.authorize(this.redirectUri);
      world.authorizations.push({ state, redirectUri: this.redirectUri, code });
    });
    await step(world, 'CompleteAuthorization', async () => {
      const { code = '', state = '' } = world.authorizations.at(-1) ?? {};
      const callsBefore = world.calls.length;
      await world.send({ type: 'auth.callback', now: world.clientNow, state, code });
      const exchange = world.calls[callsBefore];
      if (
        exchange?.effect === 'exchangeCode' &&
        !exchange.errorCode &&
        world.status !== 'authorized'
      ) {
        throw new Error(`a successful exchange ended in ${world.status}`);
      }
    });
  };
  toString = () => `SignIn(${JSON.stringify(this.state)}, ${JSON.stringify(this.redirectUri)})`;
}
