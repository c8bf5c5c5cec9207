// openid-client 6, configured for hh.ru: credentials in the body (its default), redirect_uri sent
// to authorize (it always sends one to the token endpoint), a User-Agent on API calls.
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { apiOutcome, grantsSeen, TOKEN_TTL_SECONDS, USER_AGENT, useInterop } from './helpers.js';

const interop = useInterop();

function configure(): client.Configuration {
  const e = interop.emulator();
  const config = new client.Configuration(
    {
      issuer: e.url,
      authorization_endpoint: `${e.url}/oauth/authorize`,
      token_endpoint: `${e.url}/oauth/token`,
    },
    e.app.clientId,
    e.app.clientSecret, // client_secret_post: what hh.ru documents
  );
  client.allowInsecureRequests(config); // the emulator is plain http on 127.0.0.1
  return config;
}

const api = (config: client.Configuration, token: string, path: string, method = 'GET') =>
  client.fetchProtectedResource(
    config,
    token,
    new URL(`${interop.emulator().url}${path}`),
    method,
    undefined,
    new Headers({ 'User-Agent': USER_AGENT }),
  );

const oauthError = (error: unknown) => {
  const e = error as { error?: string; error_description?: string };
  return `${e.error} ${e.error_description}`;
};

describe('openid-client', () => {
  it('authorize in Chromium → exchange → /me → early refresh refused → expiry → refresh → reuse refused → DELETE → app token twice', async () => {
    const e = interop.emulator();
    const config = configure();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: e.app.redirectUri, state });
    const callback = await interop.authorize(url.href);
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedState: state });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(TOKEN_TTL_SECONDS);
    expect(await apiOutcome(await api(config, tokens.access_token, '/me'))).toBe('200');

    // Early refresh: hh.ru refuses a refresh before the access token expires.
    const early = await client.refreshTokenGrant(config, tokens.refresh_token!).catch(oauthError);
    expect(early).toBe('invalid_grant token not expired');

    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    expect(await apiOutcome(await api(config, tokens.access_token, '/me'))).toBe(
      '403 oauth/token_expired',
    );
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(await apiOutcome(await api(config, refreshed.access_token, '/me'))).toBe('200');
    const reuse = await client.refreshTokenGrant(config, tokens.refresh_token!).catch(oauthError);
    expect(reuse).toBe('invalid_grant token has already been refreshed');

    expect(
      await apiOutcome(await api(config, refreshed.access_token, '/oauth/token', 'DELETE')),
    ).toBe('204');
    expect(await apiOutcome(await api(config, refreshed.access_token, '/me'))).toBe(
      '403 oauth/bad_authorization',
    );

    const app = await client.clientCredentialsGrant(config);
    expect(await apiOutcome(await api(config, app.access_token, '/me'))).toBe('200');
    const again = await client.clientCredentialsGrant(config).catch(oauthError);
    expect(again).toBe('forbidden app token refresh too early');

    expect(grantsSeen(e)).toEqual([
      'authorization_code 200',
      'refresh_token 400 token not expired',
      'refresh_token 200',
      'refresh_token 400 token has already been refreshed',
      'client_credentials 200',
      'client_credentials 403 app token refresh too early',
    ]);
    expect(
      e.controls
        .requests({ path: '/oauth/token', method: 'POST' })
        .every((r) => r.clientAuth === 'body'),
    ).toBe(true);
  });

  it('pitfalls: without redirect_uri at authorize the exchange fails; its default User-Agent is refused', async () => {
    const e = interop.emulator();
    const config = configure();
    const state = client.randomState();
    // openid-client sends redirect_uri to the token endpoint whatever happened at authorize.
    const callback = await interop.authorize(client.buildAuthorizationUrl(config, { state }).href);
    const exchange = await client
      .authorizationCodeGrant(config, callback, { expectedState: state })
      .catch(oauthError);
    expect(exchange).toBe('invalid_request bad redirect url');
    const app = await client.clientCredentialsGrant(config);
    const bare = await client.fetchProtectedResource(
      config,
      app.access_token,
      new URL(`${e.url}/me`),
      'GET',
    );
    expect(await apiOutcome(bare)).toBe('400 bad_user_agent/blacklisted');
    expect(e.controls.requests({ path: '/me' })[0]?.userAgent).toMatch(/^openid-client\//);
  });
});
