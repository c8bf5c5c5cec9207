// Test support: the session machine with scripted effects, run on a real actor.
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  type ErrorCode,
  HhOAuthError,
  isSettled,
  type SessionEvent,
  type SessionInput,
  sessionMachine,
  type TokenSet,
} from '../../src/index.js';

export type Effect = 'exchangeCode' | 'refreshTokens' | 'invalidateToken';
export interface Call {
  readonly effect: Effect;
  readonly input: Record<string, unknown>;
  /** The event that was being handled when the effect started. */
  readonly during: SessionEvent | undefined;
}
/** What an effect answers: tokens, an error code, or a foreign error. */
export type Answer =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly code: ErrorCode }
  | { readonly kind: 'foreign' };

export function tokenSet(serial: number, now: number, lifetimeMs = 3_600_000): TokenSet {
  return {
    accessToken: `AT${serial}`,
    tokenType: 'bearer',
    refreshToken: `RT${serial}`,
    expiresAt: now + lifetimeMs,
    obtainedAt: now,
  };
}

/** A session actor whose effects answer from `answer(effect)`; `send` resolves once settled. */
export function createDriver(
  options: {
    input?: SessionInput;
    answer?: (effect: Effect, call: Call) => Answer;
    lifetimeMs?: number;
  } = {},
) {
  const calls: Call[] = [];
  let current: SessionEvent | undefined;
  let clock = 0;
  let minted = 0;
  const respond = async (effect: Effect, input: object) => {
    const call: Call = { effect, input: { ...input }, during: current };
    calls.push(call);
    const answer = options.answer?.(effect, call) ?? { kind: 'ok' };
    if (answer.kind === 'error') {
      throw new HhOAuthError(answer.code, `scripted ${answer.code}`);
    }
    if (answer.kind === 'foreign') throw new TypeError('fetch failed');
    minted += 1;
    return tokenSet(minted, clock, options.lifetimeMs);
  };
  const machine = sessionMachine.provide({
    actors: {
      exchangeCode: fromPromise(async ({ input }) => respond('exchangeCode', input)),
      refreshTokens: fromPromise(async ({ input }) => respond('refreshTokens', input)),
      invalidateToken: fromPromise(async ({ input }) => {
        await respond('invalidateToken', input);
      }),
    },
  });
  const actor = createActor(machine, options.input ? { input: options.input } : {});
  actor.start();
  return {
    actor,
    calls,
    snapshot: () => actor.getSnapshot(),
    async send(event: SessionEvent) {
      current = event;
      clock = event.now;
      actor.send(event);
      const snapshot = await waitFor(actor, isSettled);
      current = undefined;
      return snapshot;
    },
  };
}

export const HOUR = 3_600_000;
