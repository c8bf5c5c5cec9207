import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  type AppTokenRecord,
  accessTokenFor,
  appTokenMachine,
  ERROR_CODES,
  type ErrorCode,
  fromAppTokenRecord,
  fromRecord,
  isHhOAuthError,
  type SessionEvent,
  type SessionRecord,
  sessionMachine,
  type TokenSet,
  toAppTokenRecord,
  toRecord,
} from '../../src/index.js';
import { type Answer, createDriver, HOUR } from './support.js';

const codeArb = fc.constantFrom(...(Object.keys(ERROR_CODES) as ErrorCode[]));
const errorArb = fc.record({ code: codeArb, message: fc.string({ maxLength: 30 }) });
const timeArb = fc.integer({ min: -1e12, max: 4e12 });
const tokenArb: fc.Arbitrary<TokenSet> = fc.record(
  {
    accessToken: fc.string({ minLength: 1, maxLength: 20 }),
    tokenType: fc.constant('bearer' as const),
    refreshToken: fc.string({ minLength: 1, maxLength: 20 }),
    expiresAt: timeArb,
    obtainedAt: timeArb,
  },
  { requiredKeys: ['accessToken', 'tokenType', 'obtainedAt'] },
);
const pendingArb = fc.record(
  { state: fc.string({ minLength: 1 }), redirectUri: fc.string(), expiresAt: timeArb },
  { requiredKeys: ['state', 'expiresAt'] },
);

/** Every valid version-1 session record, in canonical form. */
const sessionRecordArb: fc.Arbitrary<SessionRecord> = fc
  .record({
    status: fc.constantFrom(
      ...(['idle', 'authorizing', 'authorized', 'signedOut', 'failed', 'stale'] as const),
    ),
    tokens: tokenArb,
    pending: pendingArb,
    usedRefreshTokens: fc.option(
      fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 16 }),
      {
        nil: undefined,
      },
    ),
    error: fc.option(errorArb, { nil: undefined }),
    retryAt: fc.option(timeArb, { nil: undefined }),
  })
  .map(({ status, tokens, pending, usedRefreshTokens, error, retryAt }) => {
    const record: Record<string, unknown> = { v: 1, kind: 'session', status };
    if (status === 'authorized' || status === 'stale') record.tokens = tokens;
    if (status === 'authorizing') record.pending = pending;
    if (usedRefreshTokens) record.usedRefreshTokens = usedRefreshTokens;
    const needsError = status === 'failed' || status === 'stale';
    const e = error ?? (needsError ? { code: 'not_authorized', message: 'm' } : undefined);
    if (e) record.error = e;
    if (retryAt !== undefined) record.retryAt = retryAt;
    return JSON.parse(JSON.stringify(record)) as SessionRecord;
  });

const appRecordArb: fc.Arbitrary<AppTokenRecord> = fc
  .record({
    status: fc.constantFrom(...(['none', 'active', 'coolingDown', 'failed'] as const)),
    token: tokenArb.map(({ refreshToken: _, ...t }) => t),
    lastRequestAt: fc.option(timeArb, { nil: undefined }),
    retryAt: timeArb,
    error: fc.option(errorArb, { nil: undefined }),
  })
  .map(({ status, token, lastRequestAt, retryAt, error }) => {
    const record: Record<string, unknown> = { v: 1, kind: 'app', status };
    if (status === 'active') record.token = token;
    if (lastRequestAt !== undefined) record.lastRequestAt = lastRequestAt;
    if (status === 'coolingDown') record.retryAt = retryAt;
    const e = error ?? (status === 'failed' ? { code: 'invalid_client', message: 'm' } : undefined);
    if (e) record.error = e;
    return JSON.parse(JSON.stringify(record)) as AppTokenRecord;
  });

const eventArb: fc.Arbitrary<SessionEvent> = fc.oneof(
  fc.record(
    {
      type: fc.constant('auth.start' as const),
      now: fc.nat(HOUR),
      state: fc.constantFrom('S1', 'S2'),
      redirectUri: fc.constantFrom('https://a.example/cb', 'myapp://auth'),
    },
    { requiredKeys: ['type', 'now', 'state'] },
  ),
  fc.record({
    type: fc.constant('auth.callback' as const),
    now: fc.nat(HOUR),
    state: fc.constantFrom('S1', 'S2'),
    code: fc.constant('C'),
  }),
  fc.record({
    type: fc.constantFrom(
      'token.request' as const,
      'token.expired' as const,
      'session.revoke' as const,
    ),
    now: fc.nat(3 * HOUR),
  }),
);
const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  fc.constant<Answer>({ kind: 'ok' }),
  codeArb.map((code): Answer => ({ kind: 'error', code })),
);

describe('session records', () => {
  it('round-trip every valid record exactly: toRecord(start from fromRecord(r)) = r', () => {
    fc.assert(
      fc.property(sessionRecordArb, (record) => {
        const input = fromRecord(JSON.parse(JSON.stringify(record)));
        const snapshot = createActor(sessionMachine, { input }).getSnapshot();
        expect(snapshot.value).toBe(record.status);
        expect(toRecord(snapshot)).toStrictEqual(record);
      }),
      { numRuns: 500 },
    );
  });

  it('restore a session that then behaves identically to the one it was taken from', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 8 }),
        fc.array(eventArb, { minLength: 1, maxLength: 4 }),
        fc.array(answerArb, { maxLength: 16 }),
        fc.nat(4 * HOUR),
        async (before, after, answers, probe) => {
          // Both sessions see the same effect answers and mint the same tokens.
          const script = () => {
            let i = 0;
            return () => answers[i++] ?? ({ kind: 'ok' } as Answer);
          };
          const original = createDriver({ answer: script() });
          for (const event of before) await original.send(event);
          const record = toRecord(original.snapshot());
          expect(JSON.parse(JSON.stringify(record))).toStrictEqual(record);
          expect(accessTokenFor(record, probe)).toEqual(accessTokenFor(original.snapshot(), probe));
          const restored = createDriver({
            input: fromRecord(JSON.parse(JSON.stringify(record))),
            answer: script(),
          });
          expect(toRecord(restored.snapshot())).toStrictEqual(record);
          const replay = createDriver({ input: fromRecord(record), answer: script() });
          for (const event of after) {
            await restored.send(event);
            await replay.send(event);
          }
          expect(toRecord(restored.snapshot())).toStrictEqual(toRecord(replay.snapshot()));
          expect(restored.calls.map((c) => [c.effect, c.input])).toEqual(
            replay.calls.map((c) => [c.effect, c.input]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuse garbage with a typed invalid_argument error, never another throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          sessionRecordArb.chain((r) =>
            fc
              .tuple(fc.constantFrom(...Object.keys(r), 'extra'), fc.anything())
              .map(([key, value]) => ({ ...r, [key]: value })),
          ),
        ),
        (value) => {
          try {
            const input = fromRecord(value);
            // Accepted: it must be a canonical record again.
            expect(toRecord(createActor(sessionMachine, { input }).getSnapshot())).toEqual(
              input.record,
            );
          } catch (error) {
            expect(isHhOAuthError(error)).toBe(true);
            expect((error as { code: string }).code).toBe('invalid_argument');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('name a newer version clearly', () => {
    expect(() => fromRecord({ v: 2, kind: 'session', status: 'idle' })).toThrow(
      /version 2, newer than this @hh-oauth\/core reads \(1\): upgrade/,
    );
    expect(() => fromRecord({ kind: 'session', status: 'idle' })).toThrow(/not an hh-oauth record/);
    expect(() => fromRecord({ v: 1, kind: 'app', status: 'none' })).toThrow(/not a session record/);
  });

  it('store in-flight states as if their request was lost', async () => {
    const driver = createDriver({ answer: () => ({ kind: 'ok' }) });
    await driver.send({ type: 'auth.start', now: 0, state: 'S', redirectUri: 'https://a/cb' });
    await driver.send({ type: 'auth.callback', now: 0, state: 'S', code: 'C' });
    const { tokens } = driver.snapshot().context;
    // A machine caught mid-refresh: the refresh token counts as spent.
    const refreshing = {
      value: 'refreshing',
      context: { ...driver.snapshot().context, usedRefreshTokens: [tokens?.refreshToken ?? ''] },
    };
    expect(toRecord(refreshing)).toMatchObject({
      status: 'authorized',
      usedRefreshTokens: [tokens?.refreshToken],
    });
    expect(toRecord({ ...refreshing, value: 'revoking' })).toEqual({
      v: 1,
      kind: 'session',
      status: 'signedOut',
      usedRefreshTokens: [tokens?.refreshToken],
    });
    expect(toRecord({ ...refreshing, value: 'exchanging' }).status).toBe('idle');
  });
});

describe('app token records', () => {
  it('round-trip every valid record exactly', () => {
    fc.assert(
      fc.property(appRecordArb, (record) => {
        const input = fromAppTokenRecord(JSON.parse(JSON.stringify(record)));
        const snapshot = createActor(appTokenMachine, { input }).getSnapshot();
        expect(snapshot.value).toBe(record.status);
        expect(toAppTokenRecord(snapshot)).toStrictEqual(record);
        expect(accessTokenFor(record, 0)).toEqual(accessTokenFor(snapshot, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse garbage with a typed invalid_argument error', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          fromAppTokenRecord(value);
        } catch (error) {
          expect(isHhOAuthError(error)).toBe(true);
        }
      }),
    );
    expect(() => fromAppTokenRecord({ v: 9, kind: 'app', status: 'none' })).toThrow(/upgrade/);
  });
});

describe('accessTokenFor', () => {
  it('hands out a token only while authorized and unexpired', () => {
    const tokens: TokenSet = {
      accessToken: 'A',
      tokenType: 'bearer',
      expiresAt: 100,
      obtainedAt: 0,
    };
    const record: SessionRecord = { v: 1, kind: 'session', status: 'authorized', tokens };
    expect(accessTokenFor(record, 99)).toEqual({ ok: true, accessToken: 'A' });
    expect(accessTokenFor(record, 100)).toEqual({ ok: false, reason: 'expired' });
    expect(accessTokenFor({ ...record, retryAt: 200 }, 150)).toEqual({
      ok: false,
      reason: 'expired',
      retryAt: 200,
    });
    expect(accessTokenFor({ v: 1, kind: 'session', status: 'idle' }, 0)).toEqual({
      ok: false,
      reason: 'not_authorized',
    });
    expect(accessTokenFor({ v: 1, kind: 'app', status: 'coolingDown', retryAt: 5 }, 0)).toEqual({
      ok: false,
      reason: 'cooling_down',
      retryAt: 5,
    });
  });
});
