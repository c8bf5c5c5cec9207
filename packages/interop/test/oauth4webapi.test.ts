// oauth4webapi 3, configured for hh.ru: ClientSecretPost, no PKCE (hh.ru documents none), the
// registered redirect_uri sent at both steps, a User-Agent of the application's own.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { apiOutcome, grantsSeen, TOKEN_TTL_SECONDS, USER_AGENT, useInterop } from './helpers.js';

const interop = useInterop();
const insecure = { [oauth.allowInsecureRequests]: true } as const;

function setup() {
  const e = interop.emulator();
  const as: oauth.AuthorizationServer = {
    issuer: e.url,
    authorization_endpoint: `${e.url}/oauth/authorize`,
    token_endpoint: `${e.url}/oauth/token`,
  };
  const client: oauth.Client = { client_id: e.app.clientId };
  return { e, as, client, auth: oauth.ClientSecretPost(e.app.clientSecret) };
}

const api = (token: string, path: string, method = 'GET') =>
  oauth.protectedResourceRequest(
    token,
    method,
    new URL(`${interop.emulator().url}${path}`),
    new Headers({ 'User-Agent': USER_AGENT }),
    null,
    insecure,
  );

const oauthError = (error: unknown) => {
  const e = error as { error?: string; error_description?: string };
  return `${e.error} ${e.error_description}`;
};

describe('oauth4webapi', () => {
  it('authorize in Chromium → exchange → /me → expiry → refresh → reuse refused → DELETE → app token twice', async () => {
    const { e, as, client, auth } = setup();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: e.app.redirectUri,
      state,
    }).toString();
    const params = oauth.validateAuthResponse(as, client, await interop.authorize(url.href), state);
    const exchanged = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        params,
        e.app.redirectUri,
        oauth.nopkce,
        insecure,
      ),
    );
    expect(await apiOutcome(await api(exchanged.access_token, '/me'))).toBe('200');
    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    expect(await apiOutcome(await api(exchanged.access_token, '/me'))).toBe(
      '403 oauth/token_expired',
    );
    const refresh = () =>
      oauth.refreshTokenGrantRequest(as, client, auth, exchanged.refresh_token!, insecure);
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await refresh());
    expect(await apiOutcome(await api(refreshed.access_token, '/me'))).toBe('200');
    const reuse = await oauth
      .processRefreshTokenResponse(as, client, await refresh())
      .catch(oauthError);
    expect(reuse).toBe('invalid_grant token has already been refreshed');
    expect(await apiOutcome(await api(refreshed.access_token, '/oauth/token', 'DELETE'))).toBe(
      '204',
    );
    const appToken = () =>
      oauth
        .clientCredentialsGrantRequest(as, client, auth, {}, insecure)
        .then((r) => oauth.processClientCredentialsResponse(as, client, r));
    expect(await apiOutcome(await api((await appToken()).access_token, '/me'))).toBe('200');
    expect(await appToken().catch(oauthError)).toBe('forbidden app token refresh too early');
    expect(grantsSeen(e)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
      'refresh_token 400 token has already been refreshed',
      'client_credentials 200',
      'client_credentials 403 app token refresh too early',
    ]);
  });

  it('pitfall: two concurrent refreshes with one token — exactly one wins, the other loses the session', async () => {
    const { e, as, client, auth } = setup();
    const redirectUri = e.app.redirectUri;
    const code = e.controls.issueCode({
      clientId: client.client_id,
      login: 'applicant@example.com',
      redirectUri,
    });
    const callback = oauth.validateAuthResponse(
      as,
      client,
      new URLSearchParams({ code }),
      oauth.expectNoState,
    );
    const pair = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        callback,
        redirectUri,
        oauth.nopkce,
        insecure,
      ),
    );
    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    const both = await Promise.all(
      [1, 2].map(() =>
        oauth
          .refreshTokenGrantRequest(as, client, auth, pair.refresh_token!, insecure)
          .then((r) => oauth.processRefreshTokenResponse(as, client, r))
          .then(() => 'ok', oauthError),
      ),
    );
    expect(both.sort()).toEqual(['invalid_grant token has already been refreshed', 'ok']);
  });
});
