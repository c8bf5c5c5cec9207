// /__emulator/*: the JSON controls (a public contract), and fault injection.
import { describe, expect, it } from 'vitest';
import { APPLICANT, DEFAULT_TOKEN_TTL_SECONDS, EMPLOYER, startEmulator } from '../src/index.js';
import { api, control, pair, token, tokenError, useEmulator } from './helpers.js';

const emulator = useEmulator();

describe('controls', () => {
  it('clock: GET, advanceSeconds, and setting now', async () => {
    const before = (await control(emulator(), '/clock', undefined, 'GET')).body['now'] as number;
    const after = (await control(emulator(), '/clock', { advanceSeconds: 3600 })).body['now'];
    expect(after).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(after).toBeLessThan(before + 3_660_000);
    const set = (await control(emulator(), '/clock', { now: 1_700_000_000_000 })).body['now'];
    expect(set).toBeGreaterThanOrEqual(1_700_000_000_000);
    expect(set).toBeLessThan(1_700_000_060_000);
    expect((await control(emulator(), '/clock', { advanceSeconds: 'x' })).status).toBe(400);
  });

  it('the now option starts the simulated clock there', async () => {
    const e = await startEmulator({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      const now = e.controls.now();
      expect(now - Date.parse('2030-01-01T00:00:00Z')).toBeLessThan(60_000);
      expect(now).toBeGreaterThanOrEqual(Date.parse('2030-01-01T00:00:00Z'));
    } finally {
      await e.close();
    }
  });

  it('codes: a code as if the user allowed, with the redirect_uri rule', async () => {
    const redirectUri = `${emulator().app.redirectUri}/x`;
    const { body } = await control(emulator(), '/codes', {
      clientId: emulator().app.clientId,
      login: EMPLOYER.login,
      redirectUri,
    });
    const exchange = (extra: Record<string, string>) =>
      token(emulator(), {
        grant_type: 'authorization_code',
        client_id: emulator().app.clientId,
        client_secret: emulator().app.clientSecret,
        code: body['code'] as string,
        ...extra,
      });
    expect(await exchange({})).toEqual(tokenError(400, 'invalid_request', 'bad redirect url'));
    expect((await exchange({ redirect_uri: redirectUri })).status).toBe(200);
  });

  it('codes: an unknown client, user or an invalid redirectUri is a 400', async () => {
    const bad = [
      { clientId: 'nope', login: APPLICANT.login },
      { clientId: emulator().app.clientId, login: 'nobody@example.com' },
      {
        clientId: emulator().app.clientId,
        login: APPLICANT.login,
        redirectUri: 'https://evil.example/',
      },
      { login: APPLICANT.login },
    ];
    for (const body of bad) {
      const answer = await control(emulator(), '/codes', body);
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toEqual(expect.any(String));
    }
  });

  it('stats over HTTP', async () => {
    await token(emulator(), { grant_type: 'refresh_token' });
    expect((await control(emulator(), '/stats', undefined, 'GET')).body).toEqual({
      token: { authorization_code: 0, refresh_token: 1, client_credentials: 0, other: 0 },
    });
  });

  it('reset: tokens, apps, users, TTLs, clock and stats back to the seed', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const start = emulator().controls.now();
    await control(emulator(), '/ttl', { tokenTtlSeconds: 5 });
    await control(emulator(), '/users/applicant@example.com/password', { password: 'changed' });
    await control(emulator(), '/clock', { advanceSeconds: 10_000 });
    expect((await control(emulator(), '/reset')).body).toEqual({ ok: true });
    expect((await api(emulator(), '/me', { token: p.access_token })).status).toBe(403);
    expect(emulator().controls.now() - start).toBeLessThan(60_000);
    expect((await control(emulator(), '/ttl', undefined, 'GET')).body).toEqual({
      tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
      codeTtlSeconds: 600,
    });
    expect(emulator().controls.stats().token.authorization_code).toBe(0);
    expect((await pair(emulator(), APPLICANT.login)).expires_in).toBe(DEFAULT_TOKEN_TTL_SECONDS);
  });

  it('ttl: token and code TTLs', async () => {
    const answer = await control(emulator(), '/ttl', { tokenTtlSeconds: 120, codeTtlSeconds: 30 });
    expect(answer.body).toEqual({ tokenTtlSeconds: 120, codeTtlSeconds: 30 });
    const code = emulator().controls.issueCode({
      clientId: emulator().app.clientId,
      login: APPLICANT.login,
    });
    emulator().controls.advanceClock(30);
    const expired = await token(emulator(), {
      grant_type: 'authorization_code',
      client_id: emulator().app.clientId,
      client_secret: emulator().app.clientSecret,
      code,
    });
    expect(expired).toEqual(tokenError(400, 'invalid_grant', 'code expired'));
    expect((await pair(emulator(), APPLICANT.login)).expires_in).toBe(120);
    expect((await control(emulator(), '/ttl', { codeTtlSeconds: -1 })).status).toBe(400);
  });

  it('users: password, flags and revoke-tokens over HTTP', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    const login = encodeURIComponent(EMPLOYER.login);
    expect((await control(emulator(), `/users/${login}`, { locked: true })).body).toEqual({
      locked: true,
      verified: true,
      passwordInvalidated: false,
      loginNotAllowed: false,
    });
    expect(
      (await control(emulator(), `/users/${login}`, { locked: false, verified: false })).body,
    ).toEqual({
      locked: false,
      verified: false,
      passwordInvalidated: false,
      loginNotAllowed: false,
    });
    expect((await control(emulator(), `/users/${login}/revoke-tokens`)).body).toEqual({
      revoked: 1,
    });
    expect((await api(emulator(), '/me', { token: p.access_token })).body).toEqual({
      errors: [{ type: 'oauth', value: 'token_revoked' }],
    });
    expect((await control(emulator(), '/users/nobody/password', { password: 'x' })).status).toBe(
      400,
    );
    expect((await control(emulator(), `/users/${login}`, { locked: 'yes' })).status).toBe(400);
  });

  it('user-agent-blacklist: read and replace', async () => {
    const initial = await control(emulator(), '/user-agent-blacklist', undefined, 'GET');
    expect(initial.body['values']).toContain('curl/*');
    const set = await control(emulator(), '/user-agent-blacklist', { values: ['Only/*'] });
    expect(set.body).toEqual({ values: ['Only/*'] });
    expect((await control(emulator(), '/user-agent-blacklist', { values: [1] })).status).toBe(400);
  });

  it('apps: register, read the app token, delete', async () => {
    const created = await control(emulator(), '/apps', {
      name: 'CI app',
      redirectUri: 'myapp://auth',
    });
    expect(created.body).toMatchObject({ name: 'CI app', redirectUri: 'myapp://auth' });
    const clientId = created.body['clientId'] as string;
    const issued = await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: created.body['clientSecret'] as string,
    });
    const shown = await control(emulator(), `/apps/${clientId}/app-token`, undefined, 'GET');
    expect(shown.body).toEqual({ access_token: issued.body['access_token'] });
    expect((await control(emulator(), `/apps/${clientId}`, undefined, 'DELETE')).body).toEqual({
      deleted: true,
    });
    expect((await control(emulator(), '/apps', { redirectUri: 'not a uri' })).status).toBe(400);
  });

  it('a body that is not a JSON object is a 400', async () => {
    const response = await fetch(`${emulator().url}/__emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[1',
    });
    expect(response.status).toBe(400);
  });
});

describe('faults', () => {
  const refreshFields = (refreshToken: string) => ({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });

  it('status: answers the status without handling the request (nothing consumed)', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS);
    await control(emulator(), '/faults', { path: '/oauth/token', kind: 'status', status: 503 });
    const failed = await token(emulator(), refreshFields(p.refresh_token));
    expect(failed.status).toBe(503);
    expect((await token(emulator(), refreshFields(p.refresh_token))).status).toBe(200);
    expect(emulator().controls.stats().token.refresh_token).toBe(2);
  });

  it('drop: the connection closes with no answer', async () => {
    await control(emulator(), '/faults', { path: '/me', kind: 'drop', times: 2 });
    for (let i = 0; i < 2; i++) {
      await expect(api(emulator(), '/me')).rejects.toThrow();
    }
    expect((await api(emulator(), '/me')).status).toBe(403);
  });

  it('consume_then_fail: the refresh token is consumed, the answer lost', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS);
    emulator().controls.addFault({ path: '/oauth/token', kind: 'consume_then_fail' });
    const lost = await token(emulator(), refreshFields(p.refresh_token));
    expect(lost.status).toBe(502);
    expect(await token(emulator(), refreshFields(p.refresh_token))).toEqual(
      tokenError(400, 'invalid_grant', 'token has already been refreshed'),
    );
  });

  it('consume_then_fail with drop: consumed, then the connection closes', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS);
    emulator().controls.addFault({ path: '/token', kind: 'consume_then_fail', drop: true });
    await expect(token(emulator(), refreshFields(p.refresh_token), '/token')).rejects.toThrow();
    expect(await token(emulator(), refreshFields(p.refresh_token), '/token')).toEqual(
      tokenError(400, 'invalid_grant', 'token has already been refreshed'),
    );
  });

  it('latency: the answer comes after the delay, unchanged', async () => {
    emulator().controls.addFault({ path: '/me', kind: 'latency', ms: 150 });
    const start = performance.now();
    const answer = await api(emulator(), '/me');
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    expect(answer.status).toBe(403);
  });

  it('faults match path and method, are listed, used up, and cleared', async () => {
    await control(emulator(), '/faults', {
      path: '/me',
      method: 'delete',
      kind: 'status',
      times: 3,
    });
    const listed = await control(emulator(), '/faults', undefined, 'GET');
    expect(listed.body['faults']).toEqual([
      expect.objectContaining({ kind: 'status', path: '/me', method: 'DELETE', remaining: 3 }),
    ]);
    expect((await api(emulator(), '/me')).status).toBe(403);
    await control(emulator(), '/faults', undefined, 'DELETE');
    expect(emulator().controls.faults()).toEqual([]);
    expect((await control(emulator(), '/faults', { kind: 'explode' })).status).toBe(400);
    expect((await control(emulator(), '/faults', { kind: 'status', times: 0 })).status).toBe(400);
  });

  it('a fault without a path matches every path but the controls', async () => {
    emulator().controls.addFault({ kind: 'status', status: 500, times: 1 });
    expect((await control(emulator(), '/stats', undefined, 'GET')).status).toBe(200);
    expect((await api(emulator(), '/me')).status).toBe(500);
    expect((await api(emulator(), '/me')).status).toBe(403);
  });
});

describe('startEmulator options', () => {
  it('registers the seeded app with the given redirect URI and credentials', async () => {
    const e = await startEmulator({
      app: {
        redirectUri: 'http://localhost:3000/auth/callback',
        clientId: 'DEMO',
        clientSecret: 'S',
      },
      tokenTtlSeconds: 90,
    });
    try {
      expect(e.app).toEqual({
        clientId: 'DEMO',
        clientSecret: 'S',
        redirectUri: 'http://localhost:3000/auth/callback',
      });
      expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(e.users.map((u) => [u.login, u.password, u.kind])).toEqual([
        ['applicant@example.com', 'hh-applicant', 'applicant'],
        ['employer@example.com', 'hh-employer', 'employer'],
      ]);
      expect((await pair(e, APPLICANT.login)).expires_in).toBe(90);
    } finally {
      await e.close();
    }
  });

  it('refuses an invalid app.redirectUri', async () => {
    await expect(startEmulator({ app: { redirectUri: 'not a uri' } })).rejects.toThrow(
      /app\.redirectUri/,
    );
  });
});
