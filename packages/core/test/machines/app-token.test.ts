import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  APP_TOKEN_COOLDOWN_MS,
  type AppTokenEvent,
  accessTokenFor,
  appTokenMachine,
  type ErrorCode,
  HhOAuthError,
  isSettled,
} from '../../src/index.js';

type Answer = 'ok' | ErrorCode;
const MINUTE = 60_000;

function driver(answers: readonly Answer[]) {
  const requests: number[] = [];
  let i = 0;
  const machine = appTokenMachine.provide({
    actors: {
      requestAppToken: fromPromise(async ({ input }) => {
        requests.push(input.requestedAt);
        const answer = answers[i++] ?? 'ok';
        if (answer !== 'ok') throw new HhOAuthError(answer, `scripted ${answer}`);
        return {
          accessToken: `APP${i}`,
          tokenType: 'bearer' as const,
          obtainedAt: input.requestedAt,
        };
      }),
    },
  });
  const actor = createActor(machine).start();
  return {
    actor,
    requests,
    send: async (event: AppTokenEvent) => {
      actor.send(event);
      return waitFor(actor, isSettled);
    },
  };
}

describe('appTokenMachine (RFC 6749 §4.4, hh.ru: once per 5 minutes)', () => {
  it('never requests twice within 5 minutes, and only when told the token is bad', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ type: fc.constant('app.request' as const), dt: fc.nat(6 * MINUTE) }),
            fc.record({
              type: fc.constant('app.invalid' as const),
              dt: fc.nat(6 * MINUTE),
              code: fc.constantFrom<ErrorCode>(
                'bad_authorization',
                'token_revoked',
                'token_expired',
                'application_not_found',
                'forbidden',
              ),
            }),
            fc.record({ type: fc.constant('app.reset' as const), dt: fc.nat(MINUTE) }),
          ),
          { maxLength: 25 },
        ),
        fc.array(
          fc.constantFrom<Answer>(
            'ok',
            'ok',
            'app_token_too_early',
            'network_error',
            'invalid_client',
          ),
          { maxLength: 25 },
        ),
        async (steps, answers) => {
          const d = driver(answers);
          let now = 0;
          for (const step of steps) {
            now += step.dt;
            const before = d.actor.getSnapshot();
            const count = d.requests.length;
            const after = await d.send({ ...step, now } as AppTokenEvent);
            const made = d.requests.length - count;
            expect(made).toBeLessThanOrEqual(1);
            if (made === 1) {
              const previous = d.requests.at(-2);
              if (previous !== undefined) {
                expect(now - previous).toBeGreaterThanOrEqual(APP_TOKEN_COOLDOWN_MS);
              }
              if (before.value === 'active') {
                expect(step.type).toBe('app.invalid');
                expect(['bad_authorization', 'token_revoked']).toContain(
                  (step as { code: string }).code,
                );
              }
            }
            if (after.value === 'coolingDown') {
              if (before.value !== 'coolingDown')
                expect(after.context.retryAt).toBeGreaterThan(now);
              expect(accessTokenFor(after, now)).toMatchObject({ reason: 'cooling_down' });
            }
            if (after.value === 'active') expect(accessTokenFor(after, now).ok).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cools down after app token refresh too early', async () => {
    const d = driver(['app_token_too_early']);
    const s = await d.send({ type: 'app.request', now: 1000 });
    expect(s.value).toBe('coolingDown');
    expect(s.context.retryAt).toBe(1000 + APP_TOKEN_COOLDOWN_MS);
    expect(
      (await d.send({ type: 'app.request', now: 1000 + APP_TOKEN_COOLDOWN_MS - 1 })).value,
    ).toBe('coolingDown');
    expect((await d.send({ type: 'app.request', now: 1000 + APP_TOKEN_COOLDOWN_MS })).value).toBe(
      'active',
    );
    expect(d.requests).toEqual([1000, 1000 + APP_TOKEN_COOLDOWN_MS]);
  });
});
