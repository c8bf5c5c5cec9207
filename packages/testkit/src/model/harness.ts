import fc from 'fast-check';
import { hostileRedirectUriArb, validRedirectUriArb } from '../arbitraries/redirect-uri.js';
import { AdvanceClockCommand } from './commands/advance-clock.js';
import { CallApiCommand } from './commands/call-api.js';
import type { SessionCommand } from './commands/command.js';
import { CompleteAuthorizationCommand } from './commands/complete-authorization.js';
import { InjectFaultCommand } from './commands/inject-fault.js';
import { JumpClockCommand } from './commands/jump-clock.js';
import { ReloadCommand } from './commands/reload.js';
import { RequestTokenCommand } from './commands/request-token.js';
import { RevokeCommand } from './commands/revoke.js';
import { SignInCommand } from './commands/sign-in.js';
import { StartAuthorizationCommand } from './commands/start-authorization.js';
import { UserRevokesCommand } from './commands/user-revokes.js';
import { SessionWorld, type WorldOptions } from './world.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface SessionCommandsOptions {
  /** The registered redirect URI the generated ones refine (default `http://example.com/oauth`). */
  readonly registeredRedirectUri?: string;
  /** Longest command sequence (default 30). */
  readonly maxCommands?: number;
}

/**
 * Every command of the session model, for `fc.commands`: clocks (advance, and caller-only jumps
 * that change the skew), authorization start and callback (valid, forged state, denied, replayed),
 * token requests, API calls (whose `403 token_expired` / `token_revoked` answers become events),
 * sign-out, revocation by the user on hh.ru, transient faults, and process restarts from the store.
 */
export function sessionCommandArbs(
  options: SessionCommandsOptions = {},
): fc.Arbitrary<SessionCommand>[] {
  const registered = options.registeredRedirectUri ?? 'http://example.com/oauth';
  const redirectUri = fc.option(
    fc.oneof(
      validRedirectUriArb(registered),
      // The machine must carry any string byte for byte; hh.ru (the model) compares strings.
      hostileRedirectUriArb(registered).map(({ uri }) => uri),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    ),
    { nil: undefined },
  );
  const advance = fc
    .oneof(
      fc.integer({ min: 0, max: 5 * MINUTE }),
      fc.integer({ min: 0, max: 15 * DAY }),
      fc.constant(14 * DAY),
    )
    .map((ms) => new AdvanceClockCommand(ms));
  const request = fc.constant(new RequestTokenCommand());
  const complete = fc
    .constantFrom('valid', 'valid', 'valid', 'forged_state', 'denied', 'replay_older')
    .map((variant) => new CompleteAuthorizationCommand(variant as never));
  const signIn = fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), redirectUri)
    .map(([state, uri]) => new SignInCommand(state, uri));
  // fc.commands picks uniformly among these: the lifecycle's main steps appear more than once.
  return [
    signIn,
    signIn,
    advance,
    advance,
    request,
    request,
    complete,
    fc
      .oneof(
        fc.integer({ min: 0, max: 5 * MINUTE }),
        fc.integer({ min: 0, max: 15 * DAY }),
        fc.constant(14 * DAY),
      )
      .map((ms) => new AdvanceClockCommand(ms)),
    fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }).map((ms) => new JumpClockCommand(ms)),
    fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), redirectUri)
      .map(([state, uri]) => new StartAuthorizationCommand(state, uri)),
    fc
      .constantFrom('valid', 'valid', 'valid', 'forged_state', 'denied', 'replay_older')
      .map((variant) => new CompleteAuthorizationCommand(variant as never)),
    fc.constant(new RequestTokenCommand()),
    fc.constant(new CallApiCommand()),
    fc.constant(new RevokeCommand()),
    fc.constant(new UserRevokesCommand()),
    fc
      .constantFrom('lost_request', 'lost_response', 'server_error', 'garbage')
      .map((fault) => new InjectFaultCommand(fault as never)),
    fc.constant(new ReloadCommand()),
  ];
}

/** `fc.commands` over {@link sessionCommandArbs}. */
export function sessionCommands(
  options: SessionCommandsOptions = {},
): fc.Arbitrary<Iterable<SessionCommand>> {
  return fc.commands(sessionCommandArbs(options), {
    maxCommands: options.maxCommands ?? 40,
    size: 'large',
  });
}

/** Runs one command sequence against a fresh {@link SessionWorld}. */
export async function runSessionModel(
  commands: Iterable<SessionCommand>,
  options: WorldOptions = {},
): Promise<void> {
  const world = new SessionWorld(options);
  try {
    await fc.asyncModelRun(() => ({ model: world, real: world }), commands);
  } finally {
    world.actor.stop();
  }
}

export interface CheckSessionModelOptions extends SessionCommandsOptions {
  /** Command sequences to run (default 1,000). */
  readonly numRuns?: number;
  readonly seed?: number;
  readonly path?: string;
  /** Pinned counterexamples, run first (`fc.assert`'s `examples`). */
  readonly examples?: [Iterable<SessionCommand>, WorldOptions][];
  /** World options per run are drawn from here (default: skewed clocks, 14-day pairs). */
  readonly world?: fc.Arbitrary<WorldOptions>;
}

/** Skewed clocks and hh.ru's lifetimes. */
export const worldOptionsArb: fc.Arbitrary<WorldOptions> = fc.record({
  start: fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }),
  skewMs: fc.oneof(fc.constant(0), fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE })),
  expiresInSeconds: fc.oneof(fc.constant(1_209_600), fc.integer({ min: 60, max: 3 * 86_400 })),
});

/**
 * The model-based check: `numRuns` random command sequences against the reference model of
 * hh.ru, invariants asserted after every command; shrinks and throws on the first failure.
 */
export async function checkSessionModel(options: CheckSessionModelOptions = {}): Promise<void> {
  const parameters: fc.Parameters<[Iterable<SessionCommand>, WorldOptions]> = {
    numRuns: options.numRuns ?? 1000,
  };
  if (options.seed !== undefined) parameters.seed = options.seed;
  if (options.path !== undefined) parameters.path = options.path;
  if (options.examples !== undefined) parameters.examples = options.examples;
  await fc.assert(
    fc.asyncProperty(
      sessionCommands(options),
      options.world ?? worldOptionsArb,
      (commands, world) => runSessionModel(commands, world),
    ),
    parameters,
  );
}
