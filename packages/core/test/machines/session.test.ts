import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import {
  accessTokenFor,
  DEFAULT_AUTHORIZATION_TTL_MS,
  ERROR_CODES,
  type ErrorCode,
  isHhOAuthError,
  type SessionEvent,
  sessionMachine,
  type TokenSet,
} from '../../src/index.js';
import { type Answer, type Call, createDriver, type Effect, HOUR } from './support.js';

const ALL_CODES = Object.keys(ERROR_CODES) as ErrorCode[];
const TRANSIENT = ALL_CODES.filter(
  (c) => ERROR_CODES[c] === 'retry_later' && c !== 'token_not_expired',
);

/** Authorizes a fresh session at `now` and returns the driver, in `authorized`. */
async function authorized(
  answer?: (effect: Effect, call: Call) => Answer,
  now = 0,
  lifetimeMs = HOUR,
) {
  const driver = createDriver({ lifetimeMs, ...(answer ? { answer } : {}) });
  await driver.send({ type: 'auth.start', now, state: 'S' });
  const snapshot = await driver.send({ type: 'auth.callback', now, state: 'S', code: 'C' });
  expect(snapshot.value).toBe('authorized');
  return driver;
}

describe('sessionMachine: the effects are named, the caller supplies them', () => {
  it('rejects with a ConfigurationError when an effect was not provided', async () => {
    const actor = createActor(sessionMachine).start();
    actor.send({ type: 'auth.start', now: 0, state: 'S' });
    actor.send({ type: 'auth.callback', now: 1, state: 'S', code: 'C' });
    const snapshot = await waitFor(actor, (s) => s.value !== 'exchanging');
    expect(snapshot.value).toBe('failed');
    expect(snapshot.context.error?.code).toBe('invalid_argument');
    expect(snapshot.context.error?.message).toMatch(/provide the exchangeCode actor/);
  });

  it('counts a non-HhOAuthError rejection as a transient network_error', async () => {
    const driver = createDriver({ answer: () => ({ kind: 'foreign' }) });
    await driver.send({ type: 'auth.start', now: 0, state: 'S' });
    const snapshot = await driver.send({ type: 'auth.callback', now: 1, state: 'S', code: 'C' });
    expect(snapshot.value).toBe('idle');
    expect(snapshot.context.error?.code).toBe('network_error');
  });
});

describe('sessionMachine: the callback (RFC 6749 §4.1.2, §10.12)', () => {
  it('is accepted only with the pending state, once, before its TTL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 * DEFAULT_AUTHORIZATION_TTL_MS }),
        fc.option(fc.integer({ min: 1, max: 60 * 60_000 }), { nil: undefined }),
        async (pendingState, otherState, echo, delay, ttl) => {
          const effectiveTtl = ttl ?? DEFAULT_AUTHORIZATION_TTL_MS;
          const driver = createDriver(ttl ? { input: { authorizationTtlMs: ttl } } : {});
          await driver.send({ type: 'auth.start', now: 1000, state: pendingState });
          const state = echo ? pendingState : otherState;
          const callback: SessionEvent =
            state === undefined
              ? { type: 'auth.callback', now: 1000 + delay, code: 'C' }
              : { type: 'auth.callback', now: 1000 + delay, state, code: 'C' };
          const after = await driver.send(callback);
          const matches = state === pendingState;
          const inTime = delay < effectiveTtl;
          const exchanges = () => driver.calls.filter((c) => c.effect === 'exchangeCode').length;
          expect(exchanges()).toBe(matches && inTime ? 1 : 0);
          if (!matches) {
            expect(after.value).toBe('authorizing'); // a forged callback cancels nothing
            expect(after.context.error?.code).toBe(
              state === undefined ? 'state_missing' : 'state_mismatch',
            );
          } else if (!inTime) {
            expect(after.value).toBe('failed');
            expect(after.context.error?.code).toBe('invalid_callback');
          } else {
            expect(after.value).toBe('authorized');
          }
          // Replaying the very same callback never exchanges again.
          await driver.send(callback);
          expect(exchanges()).toBe(matches && inTime ? 1 : 0);
        },
      ),
    );
  });

  it('turns an error callback with the right state into failed with its reason', async () => {
    for (const [error, code] of [
      ['access_denied', 'access_denied'],
      ['server_error', 'authorization_error'],
    ] as const) {
      const driver = createDriver();
      await driver.send({ type: 'auth.start', now: 0, state: 'S' });
      const s = await driver.send({ type: 'auth.callback', now: 1, state: 'S', error });
      expect(s.value).toBe('failed');
      expect(s.context.error?.code).toBe(code);
      expect(driver.calls).toHaveLength(0);
    }
    const driver = createDriver();
    await driver.send({ type: 'auth.start', now: 0, state: 'S' });
    const s = await driver.send({ type: 'auth.callback', now: 1, state: 'S' });
    expect(s.value).toBe('failed');
    expect(s.context.error?.code).toBe('invalid_callback');
  });

  it('passes redirect_uri to exchangeCode exactly when auth.start had one, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined }),
        fc.string({ minLength: 1, maxLength: 20 }),
        async (redirectUri, code) => {
          const driver = createDriver();
          await driver.send(
            redirectUri === undefined
              ? { type: 'auth.start', now: 0, state: 'S' }
              : { type: 'auth.start', now: 0, state: 'S', redirectUri },
          );
          await driver.send({ type: 'auth.callback', now: 1, state: 'S', code });
          const [call] = driver.calls;
          expect(call?.effect).toBe('exchangeCode');
          expect(Object.hasOwn(call?.input ?? {}, 'redirectUri')).toBe(redirectUri !== undefined);
          expect(call?.input.redirectUri).toBe(redirectUri);
          expect(call?.input.code).toBe(code);
        },
      ),
    );
  });
});

type Step =
  | { readonly type: 'token.request' | 'token.expired' | 'session.revoke'; readonly dt: number }
  | { readonly type: 'token.rejected'; readonly dt: number; readonly code: ErrorCode };

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Answer>({ kind: 'ok' }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...ALL_CODES).map((code): Answer => ({ kind: 'error', code })),
  },
  { weight: 1, arbitrary: fc.constant<Answer>({ kind: 'foreign' }) },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constantFrom('token.request' as const, 'token.expired' as const),
      dt: fc.integer({ min: 0, max: 2 * HOUR }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('token.rejected' as const),
      dt: fc.integer({ min: 0, max: HOUR }),
      code: fc.constantFrom(...ALL_CODES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('session.revoke' as const), dt: fc.nat(HOUR) }),
  },
);

describe('sessionMachine: refreshing (RFC 6749 §6, RFC 9700 §4.14)', () => {
  it('never refreshes early unless told, sends a refresh token at most once, never loops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answerArb, { maxLength: 20 }),
        fc.array(stepArb, { minLength: 1, maxLength: 20 }),
        async (answers, steps) => {
          let next = 0;
          const answerOf = new Map<object, (typeof answers)[number]>();
          const driver = await authorized((effect, call) => {
            if (effect === 'exchangeCode') return { kind: 'ok' };
            const answer = answers[next++] ?? { kind: 'ok' };
            answerOf.set(call, answer);
            return answer;
          });
          const sent = new Map<string, number>();
          const notExpiredAnswers = new Map<string, number>();
          let now = 0;
          let signedOut = false;
          for (const step of steps) {
            now += step.dt;
            const before = driver.snapshot();
            const callsBefore = driver.calls.length;
            const event = { ...step, now } as SessionEvent;
            const after = await driver.send(event);
            const newCalls = driver.calls.slice(callsBefore);
            // One event, at most one request: nothing retries on its own. The one exception is
            // signing out with an expired pair: a refresh first (hh.ru invalidates only a valid
            // access token), then the invalidation.
            const revokeAfterRefresh =
              event.type === 'session.revoke' && newCalls[0]?.effect === 'refreshTokens';
            expect(newCalls.length).toBeLessThanOrEqual(revokeAfterRefresh ? 2 : 1);
            if (revokeAfterRefresh && newCalls.length === 2) {
              expect(newCalls[1]?.effect).toBe('invalidateToken');
            }
            for (const call of newCalls) {
              if (call.effect !== 'refreshTokens') continue;
              const token = String(call.input.refreshToken);
              // No refresh before expiry by the event's clock, unless the API said token_expired.
              if (event.type !== 'token.expired') {
                expect(now).toBeGreaterThanOrEqual(before.context.tokens?.expiresAt ?? Infinity);
                expect(now).toBeGreaterThanOrEqual(before.context.retryAt ?? -Infinity);
              }
              sent.set(token, (sent.get(token) ?? 0) + 1);
              expect(sent.get(token)).toBeLessThanOrEqual(1 + (notExpiredAnswers.get(token) ?? 0));
              const answer = answerOf.get(call) ?? { kind: 'ok' };
              // A sign-out's refresh is followed by the invalidation: its outcome is the sign-out's.
              if (event.type === 'session.revoke') {
                if (answer.kind === 'error' && answer.code === 'token_not_expired') {
                  notExpiredAnswers.set(token, (notExpiredAnswers.get(token) ?? 0) + 1);
                }
                continue;
              }
              if (answer.kind === 'error' && answer.code === 'token_not_expired') {
                notExpiredAnswers.set(token, (notExpiredAnswers.get(token) ?? 0) + 1);
                expect(after.value).toBe('authorized');
                expect(after.context.tokens).toEqual(before.context.tokens);
                expect(after.context.retryAt).toBeGreaterThan(now - 1);
              } else if (answer.kind === 'error' && ERROR_CODES[answer.code] === 'reload') {
                expect(after.value).toBe('stale');
              } else if (answer.kind === 'error' && TRANSIENT.includes(answer.code)) {
                expect(after.value).toBe('authorized');
                expect(after.context.error?.code).toBe(answer.code);
              } else if (answer.kind === 'foreign') {
                expect(after.value).toBe('authorized');
                expect(after.context.error?.code).toBe('network_error');
              } else if (answer.kind === 'error') {
                expect(after.value).toBe('failed');
                expect(after.context.error?.code).toBe(answer.code);
              }
            }
            if (after.value === 'signedOut') signedOut = true;
            if (signedOut) {
              expect(after.context.tokens).toBeUndefined();
              expect(accessTokenFor(after, now).ok).toBe(false);
            }
            if (after.value === 'failed') {
              expect(after.context.tokens).toBeUndefined();
              expect(after.context.error).toBeDefined();
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('maps every error code of a refresh to the documented outcome', async () => {
    for (const code of ALL_CODES) {
      const driver = await authorized((effect) =>
        effect === 'refreshTokens' ? { kind: 'error', code } : { kind: 'ok' },
      );
      const s = await driver.send({ type: 'token.request', now: HOUR });
      const recovery = ERROR_CODES[code];
      // retry_later (token_not_expired included) keeps the pair; reload is stale; the rest fail.
      const expected =
        recovery === 'retry_later' ? 'authorized' : recovery === 'reload' ? 'stale' : 'failed';
      expect([code, s.value]).toEqual([code, expected]);
      expect(s.context.error?.code).toBe(code);
    }
  });

  it('keeps the pair after token_not_expired and waits until retryAt', async () => {
    let first = true;
    const driver = await authorized((effect) => {
      if (effect === 'refreshTokens' && first) {
        first = false;
        return { kind: 'error', code: 'token_not_expired' };
      }
      return { kind: 'ok' };
    });
    // The API said token_expired 10 minutes early; hh.ru disagrees: retry at expiresAt.
    const s = await driver.send({ type: 'token.expired', now: HOUR - 600_000 });
    expect(s.value).toBe('authorized');
    expect(s.context.retryAt).toBe(HOUR);
    expect(s.context.usedRefreshTokens).toEqual([]);
    expect((await driver.send({ type: 'token.request', now: HOUR - 1 })).value).toBe('authorized');
    expect(driver.calls.filter((c) => c.effect === 'refreshTokens')).toHaveLength(1);
    const refreshed = await driver.send({ type: 'token.request', now: HOUR });
    expect(driver.calls.filter((c) => c.effect === 'refreshTokens')).toHaveLength(2);
    expect(accessTokenFor(refreshed, HOUR).ok).toBe(true);
  });

  it('ends in stale, without a request, when the refresh token was already sent', async () => {
    const driver = await authorized((effect) =>
      effect === 'refreshTokens' ? { kind: 'error', code: 'network_error' } : { kind: 'ok' },
    );
    await driver.send({ type: 'token.request', now: HOUR });
    const s = await driver.send({ type: 'token.request', now: HOUR + 1 });
    expect(s.value).toBe('stale');
    expect(s.context.error?.code).toBe('refresh_token_reused');
    expect(driver.calls.filter((c) => c.effect === 'refreshTokens')).toHaveLength(1);
    expect(accessTokenFor(s, HOUR + 1)).toEqual({ ok: false, reason: 'stale' });
  });
});

describe('sessionMachine: revocation (hh.ru DELETE /oauth/token)', () => {
  it('ends in signedOut with no token whatever invalidateToken answers, but a 5xx (the token lives on)', async () => {
    await fc.assert(
      fc.asyncProperty(answerArb, async (answer) => {
        const driver = await authorized((effect) =>
          effect === 'invalidateToken' ? answer : { kind: 'ok' },
        );
        const before = driver.snapshot().context.tokens;
        const s = await driver.send({ type: 'session.revoke', now: 5 });
        if (answer.kind === 'error' && answer.code === 'server_error') {
          // hh.ru answered that it failed: the pair is kept so that signing out can be retried.
          expect(s.value).toBe('authorized');
          expect(s.context.tokens).toEqual(before);
          expect(s.context.error?.code).toBe('server_error');
          return;
        }
        expect(s.value).toBe('signedOut');
        expect(s.context.tokens).toBeUndefined();
        expect(accessTokenFor(s, 5)).toEqual({ ok: false, reason: 'signed_out' });
        expect(driver.calls.at(-1)?.input).toEqual({ accessToken: expect.any(String) });
        for (const type of ['token.request', 'token.expired'] as const) {
          expect((await driver.send({ type, now: 10 * HOUR })).value).toBe('signedOut');
        }
        expect(driver.calls.filter((c) => c.effect === 'refreshTokens')).toHaveLength(0);
      }),
      { numRuns: 30 },
    );
  });

  it('defers a revoke that arrives during a refresh, then revokes the new token', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const invalidated: string[] = [];
    const machine = sessionMachine.provide({
      actors: {
        exchangeCode: fromPromise(
          async (): Promise<TokenSet> => ({
            accessToken: 'A1',
            tokenType: 'bearer' as const,
            refreshToken: 'R1',
            expiresAt: 10,
            obtainedAt: 0,
          }),
        ),
        refreshTokens: fromPromise(async () => {
          await gate;
          return { accessToken: 'A2', tokenType: 'bearer' as const, obtainedAt: 20 };
        }),
        invalidateToken: fromPromise(async ({ input }) => {
          invalidated.push(input.accessToken);
        }),
      },
    });
    const actor = createActor(machine).start();
    actor.send({ type: 'auth.start', now: 0, state: 'S' });
    actor.send({ type: 'auth.callback', now: 0, state: 'S', code: 'C' });
    await waitFor(actor, (s) => s.value === 'authorized');
    actor.send({ type: 'token.request', now: 20 });
    await waitFor(actor, (s) => s.value === 'refreshing');
    actor.send({ type: 'session.revoke', now: 21 });
    expect(actor.getSnapshot().value).toBe('refreshing');
    release();
    const s = await waitFor(actor, (x) => x.value === 'signedOut');
    expect(invalidated).toEqual(['A2']);
    expect(s.context.tokens).toBeUndefined();
  });
});

describe('sessionMachine: API refusals', () => {
  it('fails with the code on token.rejected (reauthorize / configuration codes)', async () => {
    for (const code of ['bad_authorization', 'token_revoked', 'application_not_found'] as const) {
      const driver = await authorized();
      const s = await driver.send({ type: 'token.rejected', now: 1, code });
      expect(s.value).toBe('failed');
      expect(s.context.error?.code).toBe(code);
      expect(isHhOAuthError(s.context.error)).toBe(false); // stored as plain data
    }
  });
});
