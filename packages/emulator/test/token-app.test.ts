// grant_type=client_credentials (docs/hh-protocol.md §3), grant_type and content-type errors, stats.
import { describe, expect, it } from 'vitest';
import { api, token, tokenError, UA, useEmulator } from './helpers.js';

const emulator = useEmulator();

const appToken = () =>
  token(emulator(), {
    grant_type: 'client_credentials',
    client_id: emulator().app.clientId,
    client_secret: emulator().app.clientSecret,
  });

describe('client_credentials grant', () => {
  it('answers {access_token, token_type} without expiry or refresh token', async () => {
    const answer = await appToken();
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['access_token', 'token_type']);
    expect(answer.body['token_type']).toBe('bearer');
  });

  it('asking again within 5 minutes: 403 app token refresh too early', async () => {
    const first = await appToken();
    emulator().controls.advanceClock(299);
    expect(await appToken()).toEqual(tokenError(403, 'forbidden', 'app token refresh too early'));
    const me = await api(emulator(), '/me', { token: first.body['access_token'] as string });
    expect(me.status).toBe(200);
  });

  it('a new app token after 5 minutes deactivates the previous one', async () => {
    const first = (await appToken()).body['access_token'] as string;
    emulator().controls.advanceClock(300);
    const second = await appToken();
    expect(second.status).toBe(200);
    expect(await api(emulator(), '/me', { token: first })).toEqual({
      status: 403,
      body: { errors: [{ type: 'oauth', value: 'bad_authorization' }] },
    });
    const me = await api(emulator(), '/me', { token: second.body['access_token'] as string });
    expect(me.status).toBe(200);
    expect(emulator().controls.appToken(emulator().app.clientId)).toBe(second.body['access_token']);
  });

  it('a wrong client: invalid_client', async () => {
    const answer = await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: emulator().app.clientId,
      client_secret: 'nope',
    });
    expect(answer).toEqual(
      tokenError(400, 'invalid_client', 'client_id or client_secret not found'),
    );
  });
});

describe('token endpoint: request format', () => {
  it('an unknown or missing grant_type: unsupported_grant_type', async () => {
    const unsupported = tokenError(400, 'unsupported_grant_type', 'unsupported grant_type');
    expect(await token(emulator(), { grant_type: 'password' })).toEqual(unsupported);
    expect(await token(emulator(), {})).toEqual(unsupported);
  });

  it('anything but application/x-www-form-urlencoded: invalid_request', async () => {
    for (const [type, body] of [
      ['application/json', JSON.stringify({ grant_type: 'client_credentials' })],
      ['text/plain', 'grant_type=client_credentials'],
    ] as const) {
      const response = await fetch(`${emulator().url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': type, ...UA },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Record<string, unknown>)['error']).toBe('invalid_request');
    }
    const multipart = new FormData();
    multipart.set('grant_type', 'client_credentials');
    const response = await fetch(`${emulator().url}/token`, {
      method: 'POST',
      headers: UA,
      body: multipart,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>)['error']).toBe('invalid_request');
  });

  it('form answers are not cached', async () => {
    const response = await fetch(`${emulator().url}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', ...UA },
      body: 'grant_type=nope',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('stats count every request that reached the token endpoint, any outcome', async () => {
    await appToken();
    await appToken(); // 403 too early
    await token(emulator(), { grant_type: 'refresh_token', refresh_token: 'x' });
    await token(emulator(), { grant_type: 'authorization_code' }, '/token');
    await token(emulator(), { grant_type: 'nope' });
    expect(emulator().controls.stats()).toEqual({
      token: { authorization_code: 1, refresh_token: 1, client_credentials: 2, other: 1 },
    });
  });
});
