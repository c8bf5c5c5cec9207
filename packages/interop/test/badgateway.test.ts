// @badgateway/oauth2-client 3, configured for hh.ru: authenticationMethod client_secret_post (its
// default with a secret is HTTP Basic), endpoints given (no discovery). Its OAuth2Fetch refreshes
// on 401 only, and hh.ru says 403 token_expired.
import { OAuth2Client, OAuth2Fetch, type OAuth2Token } from '@badgateway/oauth2-client';
import { describe, expect, it } from 'vitest';
import { apiOutcome, grantsSeen, TOKEN_TTL_SECONDS, USER_AGENT, useInterop } from './helpers.js';

const interop = useInterop();

function create(authenticationMethod?: 'client_secret_post'): OAuth2Client {
  const e = interop.emulator();
  return new OAuth2Client({
    server: e.url,
    clientId: e.app.clientId,
    clientSecret: e.app.clientSecret,
    tokenEndpoint: '/oauth/token',
    authorizationEndpoint: '/oauth/authorize',
    ...(authenticationMethod ? { authenticationMethod } : {}),
  });
}

const api = (token: string, path: string, method = 'GET') =>
  fetch(`${interop.emulator().url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT },
  });

const oauthError = (error: unknown) => {
  const body = (error as { parsedBody?: { error?: string; error_description?: string } })
    .parsedBody;
  return `${body?.error} ${body?.error_description}`;
};

async function signIn(client: OAuth2Client): Promise<OAuth2Token> {
  const e = interop.emulator();
  const redirectUri = e.app.redirectUri;
  const url = await client.authorizationCode.getAuthorizeUri({ redirectUri, state: 'bg-state' });
  const callback = await interop.authorize(url);
  return client.authorizationCode.getTokenFromCodeRedirect(callback, {
    redirectUri,
    state: 'bg-state',
  });
}

describe('@badgateway/oauth2-client', () => {
  it('authorize in Chromium → exchange → /me → expiry → refresh → reuse refused → DELETE → app token twice', async () => {
    const e = interop.emulator();
    const client = create('client_secret_post');
    const token = await signIn(client);
    expect(await apiOutcome(await api(token.accessToken, '/me'))).toBe('200');
    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    expect(await apiOutcome(await api(token.accessToken, '/me'))).toBe('403 oauth/token_expired');
    const refreshed = await client.refreshToken(token);
    expect(await apiOutcome(await api(refreshed.accessToken, '/me'))).toBe('200');
    expect(await client.refreshToken(token).catch(oauthError)).toBe(
      'invalid_grant token has already been refreshed',
    );
    // Pitfall: revoke() targets RFC 7009's /revoke; hh.ru invalidates with DELETE /oauth/token.
    await expect(client.revoke(refreshed)).rejects.toThrow();
    expect(await apiOutcome(await api(refreshed.accessToken, '/oauth/token', 'DELETE'))).toBe(
      '204',
    );
    const app = await client.clientCredentials();
    expect(await apiOutcome(await api(app.accessToken, '/me'))).toBe('200');
    expect(await client.clientCredentials().catch(oauthError)).toBe(
      'forbidden app token refresh too early',
    );
    expect(grantsSeen(e)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
      'refresh_token 400 token has already been refreshed',
      'client_credentials 200',
      'client_credentials 403 app token refresh too early',
    ]);
    expect(e.controls.requests({ path: '/revoke' }).map((r) => r.status)).toEqual([404]);
  });

  it('pitfall: OAuth2Fetch refreshes on 401 only, so an expired token (403 token_expired) is never refreshed', async () => {
    const e = interop.emulator();
    const client = create('client_secret_post');
    const token = await signIn(client);
    const wrapped = new OAuth2Fetch({
      client,
      getNewToken: () => null,
      getStoredToken: () => token,
      scheduleRefresh: false,
    });
    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    const answer = await wrapped.fetch(`${e.url}/me`, { headers: { 'User-Agent': USER_AGENT } });
    expect(await apiOutcome(answer)).toBe('403 oauth/token_expired');
    expect(grantsSeen(e)).toEqual(['authorization_code 200']);
  });

  it('pitfall: its default, HTTP Basic, is refused with an error_description that says why', async () => {
    const refused = await create().clientCredentials().catch(oauthError);
    expect(refused).toMatch(/^invalid_client client_id or client_secret not found: hh\.ru takes/);
  });
});
