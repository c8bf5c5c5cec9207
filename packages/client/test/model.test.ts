// The model-based check of the REAL client: createHhOAuth, two instances on one store, against
// the testkit's model of hh.ru, with hh.ru faults and store faults between user actions. The
// invariants (model/invariants.ts) are checked after every command. Seeded by the run's
// fast-check seed (HH_OAUTH_SEED replays it); HH_OAUTH_CLIENT_MODEL_RUNS sets the count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Advance,
  CallApi,
  type ClientCommand,
  clientCommandArbs,
  InjectFault,
  RequestStorm,
  RequestToken,
  Revoke,
  SignIn,
  StoreFault,
} from './model/commands.js';
import { ClientWorld, type WorldOptions } from './model/world.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const numRuns = Number(env?.HH_OAUTH_CLIENT_MODEL_RUNS ?? 1000);
const DAY = 86_400_000;

const worldArb: fc.Arbitrary<WorldOptions> = fc.record({
  start: fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }),
  skewMs: fc.oneof(fc.constant(0), fc.integer({ min: -10 * 60_000, max: 10 * 60_000 })),
  expiresInSeconds: fc.oneof(fc.constant(1_209_600), fc.integer({ min: 60, max: 3 * 86_400 })),
});

/** Every run starts signed in: the interesting part is what happens to the pair afterwards. */
async function run(commands: Iterable<ClientCommand>, options: WorldOptions): Promise<void> {
  const world = new ClientWorld(options);
  await fc.asyncModelRun(() => ({ model: world, real: world }), [new SignIn(0), ...commands]);
}

describe('createHhOAuth against the hh.ru model, with hh.ru and store faults', () => {
  it(`keeps every invariant over ${numRuns} command sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(clientCommandArbs, { maxCommands: 16, size: 'large' }),
        worldArb,
        (commands, options) => run(commands, options),
      ),
      { numRuns },
    );
  }, 300_000);

  it('replays pinned scenarios', async () => {
    const world = { start: 1_700_000_000_000, skewMs: 0 };
    // A store outage right after hh.ru answered a refresh: the pair is held, then stored.
    await run(
      [
        new SignIn(0),
        new Advance(14 * DAY),
        new StoreFault('outage'),
        new RequestToken(0),
        new RequestToken(1),
        new StoreFault('heal'),
        new RequestToken(0),
        new CallApi(1),
      ],
      world,
    );
    // A lost refresh answer, then a storm from both processes: nothing is sent twice.
    await run(
      [
        new SignIn(1),
        new Advance(14 * DAY),
        new InjectFault('lost_response'),
        new RequestToken(0),
        new RequestStorm(),
        new SignIn(0),
        new CallApi(1),
      ],
      world,
    );
    // A blip on the spent marker, a 503 on sign-out, then sign-out for real.
    await run(
      [
        new SignIn(0),
        new Advance(14 * DAY),
        new StoreFault('blip'),
        new RequestToken(1),
        new InjectFault('server_error'),
        new Revoke(0),
        new Revoke(1),
      ],
      world,
    );
  });

  it('the invariants catch a client that drops a pair it received', async () => {
    // A store that acknowledges writes it never made: the refreshed pair is lost.
    const world = new ClientWorld({ start: 1_700_000_000_000 });
    const failure = await fc
      .asyncModelRun(
        () => ({ model: world, real: world }),
        [
          new SignIn(0),
          new Advance(14 * DAY),
          {
            check: () => true,
            run: async (_m: ClientWorld, w: ClientWorld) => {
              w.store.set = async (_key, _value, options) => options.expectedVersion + 1;
            },
            toString: () => 'StoreLiesAboutWrites',
          },
          new RequestToken(0),
          new RequestToken(1),
        ],
      )
      .then(
        () => undefined,
        (error: unknown) => String(error),
      );
    expect(failure).toMatch(/was lost/);
  });
});
