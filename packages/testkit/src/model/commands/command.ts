import type fc from 'fast-check';
import { assertSessionInvariants } from '../invariants.js';
import type { SessionWorld } from '../world.js';

/** A command of the session model: the world is both fast-check's model and its real system. */
export type SessionCommand = fc.AsyncCommand<SessionWorld, SessionWorld>;

/** Runs `body`, then asserts every invariant (after every command, as fast-check's example does). */
export async function step(
  world: SessionWorld,
  name: string,
  body: () => Promise<void> | void,
): Promise<void> {
  const before = { callsBefore: world.calls.length, statusBefore: world.status, name };
  await body();
  assertSessionInvariants(world, before);
}
