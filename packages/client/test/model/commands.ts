// The commands of the client model: one user action (or one fault) each, on one of two clients
// sharing a store. Every command awaits its calls, then the invariants are checked.
import type { Fault } from '@hh-oauth/testkit';
import fc from 'fast-check';
import { assertClientInvariants } from './invariants.js';
import { type ClientWorld, SESSION } from './world.js';

export interface ClientCommand extends fc.AsyncCommand<ClientWorld, ClientWorld> {}

abstract class Base implements ClientCommand {
  check(_world: Readonly<ClientWorld>): boolean {
    return true;
  }
  async run(_model: ClientWorld, world: ClientWorld): Promise<void> {
    await this.act(world);
    await assertClientInvariants(world, this.toString());
  }
  abstract act(world: ClientWorld): Promise<void>;
  abstract toString(): string;
}

/** Signs the session in (again) through `client`: start, the user consents, the callback. */
export class SignIn extends Base {
  constructor(readonly client: 0 | 1) {
    super();
  }
  async act(world: ClientWorld) {
    const hh = world.clients[this.client]!;
    const started = await world.settle(hh.startAuthorization({ sessionId: SESSION }));
    if (started.status !== 'fulfilled') return;
    const { url, state } = started.value;
    const redirectUri = new URL(url).searchParams.get('redirect_uri') ?? undefined;
    const code = world.server.authorize(redirectUri);
    const callback = new URL(redirectUri ?? 'https://example.com/oauth');
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', state);
    const done = await world.settle(hh.completeAuthorization(callback, { expectedState: state }));
    if (done.status === 'fulfilled') world.signedIn = true;
  }
  toString = () => `SignIn(${this.client})`;
}

export class RequestToken extends Base {
  constructor(readonly client: 0 | 1) {
    super();
  }
  override check = (world: Readonly<ClientWorld>) => world.signedIn;
  async act(world: ClientWorld) {
    await world.settle(world.clients[this.client]!.getAccessToken(SESSION));
  }
  toString = () => `RequestToken(${this.client})`;
}

/** Both clients at once, several callers each: single-flight and the lock. */
export class RequestStorm extends Base {
  override check = (world: Readonly<ClientWorld>) => world.signedIn;
  async act(world: ClientWorld) {
    await Promise.all(
      [0, 1, 0, 1].map((i) => world.settle(world.clients[i]!.getAccessToken(SESSION))),
    );
  }
  toString = () => 'RequestStorm';
}

/** An API call: `403 token_expired` makes the client refresh and retry once. */
export class CallApi extends Base {
  constructor(readonly client: 0 | 1) {
    super();
  }
  override check = (world: Readonly<ClientWorld>) => world.signedIn;
  async act(world: ClientWorld) {
    await world.settle(world.clients[this.client]!.me(SESSION));
  }
  toString = () => `CallApi(${this.client})`;
}

export class Revoke extends Base {
  constructor(readonly client: 0 | 1) {
    super();
  }
  override check = (world: Readonly<ClientWorld>) => world.signedIn;
  async act(world: ClientWorld) {
    await world.settle(world.clients[this.client]!.revoke(SESSION));
  }
  toString = () => `Revoke(${this.client})`;
}

export class Advance extends Base {
  constructor(readonly ms: number) {
    super();
  }
  async act(world: ClientWorld) {
    world.advance(this.ms);
  }
  toString = () => `Advance(${this.ms})`;
}

/** The caller's clock steps (NTP, a VM pause); hh.ru's does not. */
export class Jump extends Base {
  constructor(readonly ms: number) {
    super();
  }
  async act(world: ClientWorld) {
    world.clientNow += this.ms;
  }
  toString = () => `Jump(${this.ms})`;
}

export class InjectFault extends Base {
  constructor(readonly fault: Fault) {
    super();
  }
  async act(world: ClientWorld) {
    world.server.inject(this.fault);
  }
  toString = () => `InjectFault(${this.fault})`;
}

/** The store fails: the next write (`blip`), or every write until `heal`. */
export class StoreFault extends Base {
  constructor(readonly kind: 'blip' | 'outage' | 'heal') {
    super();
  }
  async act(world: ClientWorld) {
    if (this.kind === 'blip') world.blips += 1;
    else world.storeDown = this.kind === 'outage';
  }
  toString = () => `StoreFault(${this.kind})`;
}

/** The user revokes the application in their hh.ru settings. */
export class UserRevokes extends Base {
  override check = (world: Readonly<ClientWorld>) => world.signedIn;
  async act(world: ClientWorld) {
    const last = world.delivered.at(-1);
    if (last) world.server.userRevokes(last.tokens.accessToken);
  }
  toString = () => 'UserRevokes';
}

const DAY = 86_400_000;
const client = fc.constantFrom<0 | 1>(0, 1);

export const clientCommandArbs: fc.Arbitrary<ClientCommand>[] = [
  client.map((c) => new SignIn(c)),
  client.map((c) => new RequestToken(c)),
  client.map((c) => new RequestToken(c)),
  fc.constant(new RequestStorm()),
  client.map((c) => new CallApi(c)),
  client.map((c) => new Revoke(c)),
  fc
    .oneof(
      fc.constantFrom(0, 60_000, 14 * DAY, 14 * DAY + 1),
      fc.integer({ min: 0, max: 15 * DAY }),
    )
    .map((ms) => new Advance(ms)),
  fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }).map((ms) => new Jump(ms)),
  fc
    .constantFrom<Fault>('lost_request', 'lost_response', 'server_error', 'garbage')
    .map((f) => new InjectFault(f)),
  fc
    .constantFrom<'blip' | 'outage' | 'heal'>('blip', 'outage', 'heal')
    .map((k) => new StoreFault(k)),
  fc.constant(new UserRevokes()),
];
