// simple-oauth2 5, configured for hh.ru: authorizationMethod "body" (its default is HTTP Basic),
// the registered redirect_uri at both steps. Its revoke() speaks RFC 7009, not hh.ru.
import { AuthorizationCode, ClientCredentials, type ModuleOptions } from 'simple-oauth2';
import { describe, expect, it } from 'vitest';
import { apiOutcome, grantsSeen, TOKEN_TTL_SECONDS, USER_AGENT, useInterop } from './helpers.js';

const interop = useInterop();

function options(method: 'body' | 'header' = 'body'): ModuleOptions {
  const e = interop.emulator();
  return {
    client: { id: e.app.clientId, secret: e.app.clientSecret },
    auth: { tokenHost: e.url, tokenPath: '/oauth/token' },
    options: { authorizationMethod: method },
  };
}

const codeOptions = (): ModuleOptions => {
  const base = options();
  return { ...base, auth: { ...base.auth, authorizePath: '/oauth/authorize' } };
};

const api = (token: string, path: string, method = 'GET') =>
  fetch(`${interop.emulator().url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT },
  });

const oauthError = (error: unknown) => {
  const payload = (error as { data?: { payload?: { error?: string; error_description?: string } } })
    .data?.payload;
  return `${payload?.error} ${payload?.error_description}`;
};

describe('simple-oauth2', () => {
  it('authorize in Chromium → exchange → /me → expiry → refresh → reuse refused → DELETE → app token twice', async () => {
    const e = interop.emulator();
    const client = new AuthorizationCode(codeOptions());
    const authorizeUrl = client.authorizeURL({
      redirect_uri: e.app.redirectUri,
      state: 'so2-state',
    });
    const callback = await interop.authorize(authorizeUrl);
    expect(callback.searchParams.get('state')).toBe('so2-state');
    const token = await client.getToken({
      code: callback.searchParams.get('code')!,
      redirect_uri: e.app.redirectUri,
    });
    const access = token.token['access_token'] as string;
    expect(await apiOutcome(await api(access, '/me'))).toBe('200');

    e.controls.advanceClock(TOKEN_TTL_SECONDS);
    expect(await apiOutcome(await api(access, '/me'))).toBe('403 oauth/token_expired');
    // Pitfall: expired() reads the machine's clock; only the server knows the token expired.
    expect(token.expired()).toBe(false);
    const refreshed = await token.refresh();
    const newAccess = refreshed.token['access_token'] as string;
    expect(await apiOutcome(await api(newAccess, '/me'))).toBe('200');
    expect(await token.refresh().catch(oauthError)).toBe(
      'invalid_grant token has already been refreshed',
    );

    // Pitfall: revoke() posts to RFC 7009's /oauth/revoke; hh.ru invalidates with DELETE /oauth/token.
    await expect(refreshed.revoke('access_token')).rejects.toThrow();
    expect(await apiOutcome(await api(newAccess, '/me'))).toBe('200');
    expect(await apiOutcome(await api(newAccess, '/oauth/token', 'DELETE'))).toBe('204');

    const apps = new ClientCredentials(options());
    const app = await apps.getToken({});
    expect(await apiOutcome(await api(app.token['access_token'] as string, '/me'))).toBe('200');
    expect(await apps.getToken({}).catch(oauthError)).toBe('forbidden app token refresh too early');
    expect(grantsSeen(e)).toEqual([
      'authorization_code 200',
      'refresh_token 200',
      'refresh_token 400 token has already been refreshed',
      'client_credentials 200',
      'client_credentials 403 app token refresh too early',
    ]);
    expect(e.controls.requests({ path: '/oauth/revoke' }).map((r) => r.status)).toEqual([404]);
  });

  it('pitfall: its default, HTTP Basic, is refused with an error_description that says why', async () => {
    const apps = new ClientCredentials(options('header'));
    const refused = await apps.getToken({}).catch(oauthError);
    expect(refused).toMatch(
      /^invalid_client client_id or client_secret not found: hh\.ru takes client_id and client_secret in the form body/,
    );
    expect(interop.emulator().controls.requests({ path: '/oauth/token' })[0]?.clientAuth).toBe(
      'basic',
    );
  });
});
