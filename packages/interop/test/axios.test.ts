// axios + qs, configured for hh.ru: form bodies with qs.stringify, credentials in the body, a
// User-Agent of the application's own (axios's default names no application and is refused).
import axios, { type AxiosInstance } from 'axios';
import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { grantsSeen, TOKEN_TTL_SECONDS, USER_AGENT, useInterop } from './helpers.js';

const interop = useInterop();

/** `null`: axios's own default User-Agent. */
function http(userAgent: string | null = USER_AGENT): AxiosInstance {
  return axios.create({
    baseURL: interop.emulator().url,
    validateStatus: () => true, // hh.ru's errors are answers to read, not exceptions
    headers: userAgent ? { 'User-Agent': userAgent } : {},
  });
}

const tokenRequest = (fields: Record<string, string>) =>
  http().post('/oauth/token', qs.stringify(fields), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });

const outcome = (r: { status: number; data: unknown }) => {
  const first = (r.data as { errors?: { type: string; value?: string }[] } | undefined)
    ?.errors?.[0];
  const token = r.data as { error?: string; error_description?: string } | undefined;
  if (first) return `${r.status} ${first.type}/${first.value ?? ''}`;
  if (token?.error) return `${r.status} ${token.error} ${token.error_description}`;
  return String(r.status);
};

describe('axios + qs', () => {
  it('authorize in Chromium → exchange → /me → expiry → refresh → reuse refused → DELETE → app token twice', async () => {
    const e = interop.emulator();
    const { clientId, clientSecret, redirectUri } = e.app;
    const query = qs.stringify({ response_type: 'code', client_id: clientId, state: 'ax-state' });
    const callback = await interop.authorize(`${e.url}/oauth/authorize?${query}`);
    // No redirect_uri went to authorize, so none goes to the token endpoint (hh.ru's rule).
    const exchanged = await tokenRequest({
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: clientSecret,
      code: callback.searchParams.get('code')!,
    });
    expect(exchanged.status).toBe(200);
    const pair = exchanged.data as { access_token: string; refresh_token: string };
    const me = (token: string) =>
      http().get('/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(outcome(await me(pair.access_token))).toBe('200');
    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    expect(outcome(await me(pair.access_token))).toBe('403 oauth/token_expired');
    const refresh = () =>
      tokenRequest({ grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    const refreshed = await refresh();
    const access = (refreshed.data as { access_token: string }).access_token;
    expect(outcome(await me(access))).toBe('200');
    expect(outcome(await refresh())).toBe('400 invalid_grant token has already been refreshed');
    const deleted = await http().delete('/oauth/token', {
      headers: { Authorization: `Bearer ${access}` },
    });
    expect(outcome(deleted)).toBe('204');
    const app = () =>
      tokenRequest({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      });
    const first = await app();
    expect(outcome(await me((first.data as { access_token: string }).access_token))).toBe('200');
    expect(outcome(await app())).toBe('403 forbidden app token refresh too early');
    expect(redirectUri).toBe(`${e.url}/callback`);
    expect(grantsSeen(e)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
      'refresh_token 400 token has already been refreshed',
      'client_credentials 200',
      'client_credentials 403 app token refresh too early',
    ]);
  });

  it("pitfall: axios's default User-Agent is refused by the API", async () => {
    const e = interop.emulator();
    const app = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: e.app.clientId,
      client_secret: e.app.clientSecret,
    });
    const token = (app.data as { access_token: string }).access_token;
    const bare = await http(null).get('/me', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(outcome(bare)).toBe('400 bad_user_agent/blacklisted');
    expect(e.controls.requests({ path: '/me' })[0]?.userAgent).toMatch(/^axios\//);
  });
});
