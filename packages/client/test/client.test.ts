import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createMemoryStore, encryptedStore } from '@hh-oauth/storage';
import { closedPort, createGate, rejectionOf, shownBy } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHhOAuth } from '../src/index.js';
import {
  clientFor,
  FOURTEEN_DAYS_S,
  refreshes,
  signIn,
  transportFor,
  USER_AGENT,
} from './helpers.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.controls.reset());

describe('createHhOAuth: options', () => {
  it('refuses a missing client id, secret or store, a bad User-Agent and a hostile redirect_uri', () => {
    const store = createMemoryStore();
    const base = { clientId: 'c', clientSecret: 's', userAgent: USER_AGENT, store };
    expect(() => createHhOAuth({ ...base, clientId: '' })).toThrow(/clientId is required/);
    expect(() => createHhOAuth({ ...base, clientSecret: '' })).toThrow(/clientSecret is required/);
    expect(() => createHhOAuth({ ...base, store: undefined as never })).toThrow(
      /store is required/,
    );
    expect(() => createHhOAuth({ ...base, userAgent: 'node' })).toThrow(/userAgent/);
    expect(() => createHhOAuth({ ...base, redirectUri: 'http://a@evil.com/cb' })).toThrow(
      /userinfo/,
    );
  });
});

describe('authorization', () => {
  it('builds the authorize URL with a stored state and the exact redirect_uri', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const { url, state, sessionId } = await hh.startAuthorization({
      forceLogin: true,
      skipChooseAccount: true,
    });
    const params = new URL(url).searchParams;
    expect(url.startsWith(`${emulator.url}/oauth/authorize?`)).toBe(true);
    expect(Object.fromEntries(params)).toEqual({
      response_type: 'code',
      client_id: emulator.app.clientId,
      state,
      redirect_uri: emulator.app.redirectUri,
      force_login: 'true',
      skip_choose_account: 'true',
    });
    expect(sessionId).toMatch(/^[\w-]{43}$/);
  });

  it('signs in, hands out the token without a refresh, and reads /me', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const token = await hh.getAccessToken(sessionId);
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    expect(await hh.me(sessionId)).toMatchObject({
      email: 'applicant@example.com',
      is_application: false,
    });
    expect(refreshes(emulator)).toBe(0);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'authorized' });
  });

  it('sends the per-call redirect_uri to the token endpoint byte for byte', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator, 'applicant@example.com', {
      redirectUri: `${emulator.app.redirectUri}/deeper?lang=RU`,
    });
    await expect(hh.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
  });

  it('works without a redirect_uri at all (hh.ru uses the saved one)', async () => {
    const { redirectUri: _drop, ...rest } = { redirectUri: undefined };
    const hh = createHhOAuth({
      clientId: emulator.app.clientId,
      clientSecret: emulator.app.clientSecret,
      userAgent: USER_AGENT,
      store: createMemoryStore(),
      oauthBaseUrl: emulator.url,
      apiBaseUrl: emulator.url,
      clock: { now: () => emulator.controls.now() },
      ...rest,
    });
    const { url } = await hh.startAuthorization();
    expect(new URL(url).searchParams.has('redirect_uri')).toBe(false);
    const sessionId = await signIn(hh, emulator);
    await expect(hh.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
  });

  it('accepts a callback once, with its own state only, in the browser that started it', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const { state } = await hh.startAuthorization();
    const other = await hh.startAuthorization(); // e.g. an attacker's own sign-in
    const code = emulator.controls.issueCode({
      clientId: emulator.app.clientId,
      login: 'applicant@example.com',
      redirectUri: emulator.app.redirectUri,
    });
    const callback = `${emulator.app.redirectUri}?code=${code}&state=${state}`;
    const complete = (url: string, expectedState = state) =>
      hh.completeAuthorization(url, { expectedState });
    expect(
      await rejectionOf(complete(`${emulator.app.redirectUri}?code=${code}&state=forged`)),
    ).toMatchObject({
      code: 'state_mismatch',
    });
    expect(await rejectionOf(complete(`${emulator.app.redirectUri}?code=${code}`))).toMatchObject({
      code: 'state_missing',
    });
    // Login CSRF: a callback for another pending sign-in, opened in this browser, is refused and
    // consumes nothing.
    const planted = `${emulator.app.redirectUri}?code=${code}&state=${other.state}`;
    expect(await rejectionOf(complete(planted))).toMatchObject({ code: 'state_mismatch' });
    expect(await rejectionOf(hh.completeAuthorization(callback, undefined as never))).toMatchObject(
      {
        code: 'invalid_argument',
      },
    );
    // A browser whose state cookie is gone: the user's situation (sign in again), not the app's.
    for (const missing of ['', undefined]) {
      expect(
        await rejectionOf(
          hh.completeAuthorization(callback, { expectedState: missing as unknown as string }),
        ),
      ).toMatchObject({ name: 'CallbackError', code: 'state_missing', recovery: 'reauthorize' });
    }
    // A relative URL (req.url, req.originalUrl) is the app's mistake: it names the fix, keeps
    // the code out of the error, and consumes nothing.
    const relative = await rejectionOf(complete(callback.slice(callback.indexOf('/', 8))));
    expect(relative).toMatchObject({
      name: 'ConfigurationError',
      code: 'invalid_callback_url',
      recovery: 'fix_configuration',
    });
    expect(shownBy(relative)).not.toContain(code);
    await complete(callback);
    expect(await rejectionOf(complete(callback))).toMatchObject({ code: 'state_mismatch' });
    expect(emulator.controls.stats().token.authorization_code).toBe(1);
  });

  it('reports a denial, and a callback that came back too late', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const denied = await hh.startAuthorization();
    expect(
      await rejectionOf(
        hh.completeAuthorization(
          `${emulator.app.redirectUri}?error=access_denied&state=${denied.state}`,
          { expectedState: denied.state },
        ),
      ),
    ).toMatchObject({
      code: 'access_denied',
      recovery: 'reauthorize',
    });
    const late = await hh.startAuthorization();
    const code = emulator.controls.issueCode({
      clientId: emulator.app.clientId,
      login: 'applicant@example.com',
      redirectUri: emulator.app.redirectUri,
    });
    emulator.controls.advanceClock(11 * 60);
    expect(
      await rejectionOf(
        hh.completeAuthorization(`${emulator.app.redirectUri}?code=${code}&state=${late.state}`, {
          expectedState: late.state,
        }),
      ),
    ).toMatchObject({ code: 'invalid_callback' });
    expect(emulator.controls.stats().token.authorization_code).toBe(0);
  });

  it('keeps a session’s old pair when its re-authorization fails', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const before = await hh.getAccessToken(sessionId);
    const { state } = await hh.startAuthorization({ sessionId });
    const error = await rejectionOf(
      hh.completeAuthorization(`${emulator.app.redirectUri}?code=no-such-code&state=${state}`, {
        expectedState: state,
      }),
    );
    expect(error.recovery).toBe('reauthorize');
    expect(await hh.getAccessToken(sessionId)).toBe(before);
  });
});

describe('refresh', () => {
  it('refreshes once after expiry, for any number of concurrent callers', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const first = await hh.getAccessToken(sessionId);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => hh.getAccessToken(sessionId)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect(refreshes(emulator)).toBe(1);
    await expect(hh.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
  });

  it('never refreshes early: refresh() before expiry is refused without a request', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const error = await rejectionOf(hh.refresh(sessionId));
    expect(error).toMatchObject({ code: 'token_not_expired', recovery: 'retry_later' });
    expect(error.retryAt).toBe((await hh.session(sessionId))?.tokens?.expiresAt);
    expect(refreshes(emulator)).toBe(0);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S);
    await expect(hh.refresh(sessionId)).resolves.toBeTypeOf('string');
    expect(refreshes(emulator)).toBe(1);
  });

  it('refreshes and retries once when the API says token_expired before our clock does', async () => {
    const skew = { ms: 0 };
    const hh = clientFor(emulator, createMemoryStore(), { skew });
    const sessionId = await signIn(hh, emulator);
    skew.ms = -60_000; // our clock falls behind: by it, the token has 50 s left
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 10);
    expect((await hh.session(sessionId))?.tokens?.expiresAt).toBeGreaterThan(
      emulator.controls.now() + skew.ms,
    );
    await expect(hh.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
    expect(refreshes(emulator)).toBe(1);
  });

  it('keeps the pair when hh.ru says `token not expired` (our clock runs ahead)', async () => {
    const skew = { ms: 0 };
    const hh = clientFor(emulator, createMemoryStore(), { skew });
    const sessionId = await signIn(hh, emulator);
    const token = await hh.getAccessToken(sessionId);
    skew.ms = 120_000; // our clock runs ahead: by it, the token expired 60 s ago
    emulator.controls.advanceClock(FOURTEEN_DAYS_S - 60);
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    expect(refreshes(emulator)).toBe(1);
    expect((await hh.session(sessionId))?.retryAt).toBeGreaterThan(emulator.controls.now());
    await expect(hh.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
  });

  it('works over an encryptedStore: sign in, one refresh for concurrent callers, no token in clear', async () => {
    const inner = createMemoryStore();
    const store = encryptedStore(inner, { key: new Uint8Array(32).fill(3) });
    const a = clientFor(emulator, store);
    const b = clientFor(emulator, store);
    const sessionId = await signIn(a, emulator);
    const first = await a.getAccessToken(sessionId);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getAccessToken(sessionId)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(refreshes(emulator)).toBe(1);
    const raw = (await inner.get(`hh-oauth:session:${sessionId}`))?.value ?? '';
    expect(raw).toMatch(/^hh-oauth-sealed:1:/);
    expect(raw).not.toContain(first);
    expect(raw).not.toContain(tokens[0]);
  });

  it('a second process (another client on the same store) reuses the winner’s pair', async () => {
    const store = createMemoryStore();
    const a = clientFor(emulator, store);
    const b = clientFor(emulator, store);
    const sessionId = await signIn(a, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const [ta, tb] = await Promise.all([a.getAccessToken(sessionId), b.getAccessToken(sessionId)]);
    expect(ta).toBe(tb);
    expect(refreshes(emulator)).toBe(1);
  });
});

describe('clocks', () => {
  it('stamps every pair with the client’s clock, whatever clock the transport runs on', async () => {
    const transport = transportFor(emulator, { clock: { now: () => 0 } });
    const hh = clientFor(emulator, createMemoryStore(), { transport });
    const sessionId = await signIn(hh, emulator);
    const tokens = (await hh.session(sessionId))?.tokens;
    expect(Math.abs((tokens?.obtainedAt ?? 0) - emulator.controls.now())).toBeLessThan(5_000);
    expect((tokens?.expiresAt ?? 0) - (tokens?.obtainedAt ?? 0)).toBe(FOURTEEN_DAYS_S * 1000);
    await hh.getAccessToken(sessionId);
    expect(refreshes(emulator)).toBe(0);
  });
});

describe('faults: a session ends intact or explicitly needing re-authorization', () => {
  for (const [name, fault] of [
    ['a 503', { kind: 'status', status: 503, path: '/oauth/token' }],
    ['a dropped connection', { kind: 'drop', path: '/oauth/token' }],
    ['a consumed-then-failed refresh', { kind: 'consume_then_fail', path: '/oauth/token' }],
  ] as const) {
    it(`${name} during refresh: retry later, then re-authorization, never a second send`, async () => {
      const hh = clientFor(emulator, createMemoryStore());
      const sessionId = await signIn(hh, emulator);
      emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
      emulator.controls.addFault(fault);
      const first = await rejectionOf(hh.getAccessToken(sessionId));
      expect(first.recovery).toBe('retry_later');
      const stored = await hh.session(sessionId);
      expect(stored?.status).toBe('authorized');
      expect(stored?.tokens?.refreshToken).toBeTruthy();
      const second = await rejectionOf(hh.getAccessToken(sessionId));
      expect(second.recovery).toBe('reauthorize');
      expect(refreshes(emulator)).toBe(1);
      expect((await hh.session(sessionId))?.status).toBe('stale');
    });
  }

  it('a timeout during refresh is not retried (hh.ru may still consume the token)', async () => {
    const transport = transportFor(emulator, {
      timeoutMs: 300,
      clock: { now: () => emulator.controls.now() },
    });
    const hh = clientFor(emulator, createMemoryStore(), { transport });
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    emulator.controls.addFault({ kind: 'latency', ms: 800, path: '/oauth/token' });
    expect(await rejectionOf(hh.getAccessToken(sessionId))).toMatchObject({
      code: 'timeout',
      recovery: 'retry_later',
    });
    expect(await rejectionOf(hh.getAccessToken(sessionId))).toMatchObject({
      recovery: 'reauthorize',
    });
    expect(refreshes(emulator)).toBe(1);
  });

  it('a revoked grant ends in failed with the reason, and no retry loop', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    emulator.controls.revokeTokens('applicant@example.com');
    const error = await rejectionOf(hh.getAccessToken(sessionId));
    expect(error).toMatchObject({ recovery: 'reauthorize' });
    expect(await hh.session(sessionId)).toMatchObject({
      status: 'failed',
      error: { code: error.code },
    });
    expect(await rejectionOf(hh.getAccessToken(sessionId))).toMatchObject({
      code: error.code,
      recovery: 'reauthorize',
    });
    expect(refreshes(emulator)).toBe(1);
  });
});

describe('revoke', () => {
  it('invalidates the token at hh.ru and never hands a token out again', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const token = await hh.getAccessToken(sessionId);
    await hh.revoke(sessionId);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'signedOut' });
    expect(await rejectionOf(hh.getAccessToken(sessionId))).toMatchObject({
      code: 'not_authorized',
      recovery: 'reauthorize',
    });
    const response = await fetch(`${emulator.url}/me`, {
      headers: { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT },
    });
    expect(response.status).toBe(403);
  });
});

describe('revoke when things go wrong', () => {
  it('keeps the pair and says so when hh.ru could not be reached (503)', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const token = await hh.getAccessToken(sessionId);
    emulator.controls.addFault({
      kind: 'status',
      status: 503,
      path: '/oauth/token',
      method: 'DELETE',
    });
    expect(await rejectionOf(hh.revoke(sessionId))).toMatchObject({ recovery: 'retry_later' });
    expect(await hh.session(sessionId)).toMatchObject({ status: 'authorized' });
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    await hh.revoke(sessionId);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'signedOut' });
  });

  it('refreshes an expired pair first, so that the grant really dies at hh.ru', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const sessionId = await signIn(hh, emulator);
    const oldRefresh = (await hh.session(sessionId))?.tokens?.refreshToken;
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    await hh.revoke(sessionId);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'signedOut' });
    expect(refreshes(emulator)).toBe(1);
    const raw = transportFor(emulator);
    expect(await rejectionOf(raw.refreshTokens({ refreshToken: oldRefresh! }))).toMatchObject({
      code: 'refresh_token_reused',
    });
  });
});

describe('a refresh that never left, and one in flight', () => {
  it('a refused connection does not spend the refresh token: the session goes on', async () => {
    const store = createMemoryStore();
    const port = await closedPort();
    const good = clientFor(emulator, store);
    const sessionId = await signIn(good, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const unreachable = clientFor(emulator, store, {
      oauthBaseUrl: `http://127.0.0.1:${port}`,
    });
    expect(await rejectionOf(unreachable.getAccessToken(sessionId))).toMatchObject({
      code: 'network_error',
      sent: false,
    });
    expect(refreshes(emulator)).toBe(0);
    await expect(good.me(sessionId)).resolves.toMatchObject({ is_applicant: true });
    expect(refreshes(emulator)).toBe(1);
  });

  it('marks the refresh token spent in the store before sending it', async () => {
    const store = createMemoryStore();
    const hh = clientFor(emulator, store);
    const sessionId = await signIn(hh, emulator);
    const refreshToken = (await hh.session(sessionId))?.tokens?.refreshToken;
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    // A gate in front of the real transport: the test looks at the store at the moment the refresh
    // is about to leave, then lets it go.
    const raw = transportFor(emulator);
    const gate = createGate();
    const gated = clientFor(emulator, store, {
      transport: {
        ...raw,
        async refreshTokens(input, call) {
          await gate.wait();
          return raw.refreshTokens(input, call);
        },
      },
    });
    const pending = gated.getAccessToken(sessionId);
    await gate.reached;
    expect((await hh.session(sessionId))?.usedRefreshTokens).toContain(refreshToken);
    expect(refreshes(emulator)).toBe(0);
    gate.open();
    await pending;
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.session(sessionId)).toMatchObject({ status: 'authorized' });
  });
});

describe('the application token', () => {
  it('is asked for again once the configuration is fixed (after the 5-minute rule)', async () => {
    const store = createMemoryStore();
    const wrong = clientFor(emulator, store, { clientSecret: 'WRONG' });
    expect(await rejectionOf(wrong.getAppToken())).toMatchObject({ code: 'invalid_client' });
    const fixed = clientFor(emulator, store);
    expect(await rejectionOf(fixed.getAppToken())).toMatchObject({ code: 'invalid_client' });
    expect(emulator.controls.stats().token.client_credentials).toBe(1);
    emulator.controls.advanceClock(5 * 60 + 1);
    const token = await fixed.getAppToken();
    expect(token).toBe(emulator.controls.appToken(emulator.app.clientId));
    expect(emulator.controls.stats().token.client_credentials).toBe(2);
  });

  it('is requested once and shared by every client on the store', async () => {
    const store = createMemoryStore();
    const a = clientFor(emulator, store);
    const b = clientFor(emulator, store);
    const [ta, tb, tc] = await Promise.all([a.getAppToken(), b.getAppToken(), a.getAppToken()]);
    expect(new Set([ta, tb, tc]).size).toBe(1);
    expect(emulator.controls.stats().token.client_credentials).toBe(1);
    expect(await a.appFetch('/me')).toMatchObject({ is_application: true });
    expect(emulator.controls.appToken(emulator.app.clientId)).toBe(ta);
  });

  it('asks again once when hh.ru says the token is bad, respecting the 5-minute rule', async () => {
    const store = createMemoryStore();
    const hh = clientFor(emulator, store);
    const first = await hh.getAppToken();
    // Someone else asks for a new one: ours is deactivated.
    emulator.controls.advanceClock(6 * 60);
    const other = clientFor(emulator, createMemoryStore());
    await other.getAppToken();
    const error = await rejectionOf(hh.appFetch('/me'));
    expect(error.code).toBe('app_token_too_early');
    expect(error.retryAt).toBeGreaterThan(emulator.controls.now());
    emulator.controls.advanceClock(6 * 60);
    await expect(hh.appFetch('/me')).resolves.toMatchObject({ is_application: true });
    expect(await hh.getAppToken()).not.toBe(first);
    // ours, the other client's, ours refused as too early, ours again.
    expect(emulator.controls.stats().token.client_credentials).toBe(4);
  });
});

describe('observing the machines', () => {
  it('reports the states it drives', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const seen: string[] = [];
    const off = hh.onTransition((t) => seen.push(t.state));
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    await hh.getAccessToken(sessionId);
    off();
    await hh.revoke(sessionId);
    expect(seen).toEqual(
      expect.arrayContaining(['authorizing', 'exchanging', 'authorized', 'refreshing']),
    );
    expect(seen).not.toContain('revoking');
  });
});
