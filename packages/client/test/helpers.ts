import type { Emulator } from '@hh-oauth/emulator';
import { createHttpTransport, type HttpTransport, type HttpTransportOptions } from '@hh-oauth/http';
import type { TokenStore } from '@hh-oauth/storage';
import { registerSecret } from '@hh-oauth/test-support';
import type { HhOAuth, HhOAuthOptions } from '../src/index.js';
import { createHhOAuth } from '../src/index.js';

export const USER_AGENT = 'hh-oauth-client-tests/1.0 (tests@example.com)';
export const FOURTEEN_DAYS_S = 1_209_600;

/** A client on the emulator whose clock follows the emulator's, plus `skew.ms` (changeable). */
export function clientFor(
  emulator: Emulator,
  store: TokenStore,
  extra: Partial<HhOAuthOptions> & { skew?: { ms: number } } = {},
): HhOAuth {
  const { skew = { ms: 0 }, ...rest } = extra;
  registerSecret(emulator.app.clientSecret);
  return createHhOAuth({
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    redirectUri: emulator.app.redirectUri,
    userAgent: USER_AGENT,
    store,
    oauthBaseUrl: emulator.url,
    apiBaseUrl: emulator.url,
    clock: { now: () => emulator.controls.now() + skew.ms },
    lock: { ttlMs: 5_000, waitMs: 10_000, pollMs: 10 },
    ...rest,
  });
}

/** Signs `login` in as if they had allowed access on hh.ru: start, code, callback. */
export async function signIn(
  hh: HhOAuth,
  emulator: Emulator,
  login = 'applicant@example.com',
  start: Parameters<HhOAuth['startAuthorization']>[0] = {},
): Promise<string> {
  const { url, state } = await hh.startAuthorization(start);
  const redirectUri = new URL(url).searchParams.get('redirect_uri') ?? undefined;
  const code = emulator.controls.issueCode({
    clientId: emulator.app.clientId,
    login,
    ...(redirectUri === undefined ? {} : { redirectUri }),
  });
  const callback = new URL(redirectUri ?? emulator.app.redirectUri);
  callback.searchParams.set('code', code);
  callback.searchParams.set('state', state);
  return (await hh.completeAuthorization(callback.href, { expectedState: state })).sessionId;
}

export const refreshes = (emulator: Emulator) => emulator.controls.stats().token.refresh_token;

/** A transport on the emulator with the seeded app's credentials, for tests that inject one. */
export function transportFor(
  emulator: Emulator,
  extra: Partial<HttpTransportOptions> = {},
): HttpTransport {
  return createHttpTransport({
    oauthBaseUrl: emulator.url,
    apiBaseUrl: emulator.url,
    userAgent: USER_AGENT,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    ...extra,
  });
}
