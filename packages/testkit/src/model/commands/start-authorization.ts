import { type SessionCommand, step } from './command.js';

/** The user is sent to /oauth/authorize with `state` (and `redirectUri`, if any) and consents. */
export class StartAuthorizationCommand implements SessionCommand {
  constructor(
    readonly state: string,
    readonly redirectUri: string | undefined,
  ) {}
  check = (world: Parameters<SessionCommand['check']>[0]) => world.status !== 'authorized';
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'StartAuthorization', async () => {
      const state = world.freshState(this.state);
      const now = world.clientNow;
      await world.send(
        this.redirectUri === undefined
          ? { type: 'auth.start', now, state }
          : { type: 'auth.start', now, state, redirectUri: this.redirectUri },
      );
      if (world.status !== 'authorizing') throw new Error(`auth.start ended in ${world.status}`);
      // The browser goes to hh.ru with exactly these parameters; hh.ru remembers them with the code.
      const code = world.server.authorize(this.redirectUri);
      world.authorizations.push({ state, redirectUri: this.redirectUri, code });
    });
  toString = () =>
    `StartAuthorization(${JSON.stringify(this.state)}, ${JSON.stringify(this.redirectUri)})`;
}
