import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { rejectionOf } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport } from '../src/index.js';

const USER_AGENT = 'hh-oauth-tests/1.0 (tests@example.com)';
let emulator: Emulator;
let transport: HttpTransport;

// biome-ignore lint/suspicious/noExplicitAny: the controls' JSON answers, read field by field
async function control(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
  return response.json();
}

async function codeFor(login = 'applicant@example.com', redirectUri?: string): Promise<string> {
  const body =
    redirectUri === undefined
      ? { clientId: emulator.app.clientId, login }
      : { clientId: emulator.app.clientId, login, redirectUri };
  return (await control('codes', body)).code;
}

function make(extra: Partial<Parameters<typeof createHttpTransport>[0]> = {}): HttpTransport {
  return createHttpTransport({
    oauthBaseUrl: emulator.url,
    apiBaseUrl: emulator.url,
    userAgent: USER_AGENT,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    timeoutMs: 2000,
    retry: { baseDelayMs: 1, maxDelayMs: 50 },
    ...extra,
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(async () => {
  await control('reset', {});
  transport = make();
});

describe('createHttpTransport: options', () => {
  it('requires a User-Agent of the form hh.ru asks for', () => {
    for (const userAgent of [undefined, '', 'node', 'MyApp/1.0', 'MyApp (a@b.c)']) {
      expect(() => createHttpTransport({ userAgent } as never)).toThrow(/userAgent must look like/);
    }
    expect(() =>
      createHttpTransport({ userAgent: 'MyApp/1.0 (my-app-feedback@example.com)' }),
    ).not.toThrow();
  });

  it('refuses base URLs that are not absolute http(s) URLs', () => {
    expect(() => make({ apiBaseUrl: 'api.hh.ru' })).toThrow(/apiBaseUrl/);
    expect(() => make({ oauthBaseUrl: 'ftp://hh.ru' })).toThrow(/oauthBaseUrl/);
  });
});

describe('token grants against the emulator', () => {
  it('exchanges a code for a pair, then refreshes it after expiry', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor() });
    expect(pair.accessToken).toBeTruthy();
    expect(pair.refreshToken).toBeTruthy();
    expect(pair.expiresAt! - pair.obtainedAt).toBe(1_209_600_000);

    const early = await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! }));
    expect(early).toMatchObject({ code: 'token_not_expired', recovery: 'retry_later' });

    await control('clock', { advanceSeconds: 1_209_601 });
    const next = await transport.refreshTokens({ refreshToken: pair.refreshToken! });
    expect(next.accessToken).not.toBe(pair.accessToken);
    const reused = await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! }));
    expect(reused).toMatchObject({ code: 'refresh_token_reused', recovery: 'reload' });
  });

  it('sends redirect_uri exactly when it went to /oauth/authorize', async () => {
    const redirectUri = `${emulator.app.redirectUri}/sub?lang=RU`;
    const withUri = await codeFor(undefined, redirectUri);
    expect(
      await rejectionOf(
        transport.exchangeCode({ code: withUri, redirectUri: emulator.app.redirectUri }),
      ),
    ).toMatchObject({
      code: 'bad_redirect_uri',
    });
    const again = await codeFor(undefined, redirectUri);
    await expect(transport.exchangeCode({ code: again, redirectUri })).resolves.toMatchObject({
      tokenType: 'bearer',
    });
    const without = await codeFor();
    expect(await rejectionOf(transport.exchangeCode({ code: without, redirectUri }))).toMatchObject(
      {
        code: 'bad_redirect_uri',
      },
    );
  });

  it('reports a used code, and a wrong secret, with typed errors', async () => {
    const code = await codeFor();
    await transport.exchangeCode({ code });
    expect(await rejectionOf(transport.exchangeCode({ code }))).toMatchObject({
      code: 'code_already_used',
    });
    const wrong = make({ clientSecret: 'WRONG-SECRET-VALUE' });
    const error = await rejectionOf(wrong.exchangeCode({ code: await codeFor() }));
    expect(['invalid_client', 'account_not_found']).toContain(error.code);
  });

  it('gets an app token, and is refused a second one within 5 minutes', async () => {
    const app = await transport.requestAppToken();
    expect(app.refreshToken).toBeUndefined();
    expect(app.expiresAt).toBeUndefined();
    expect(await rejectionOf(transport.requestAppToken())).toMatchObject({
      code: 'app_token_too_early',
      status: 403,
    });
    const stats = await control('stats');
    expect(stats.token.client_credentials).toBe(2);
  });

  it('needs client credentials for the code and client-credentials grants', async () => {
    const bare = createHttpTransport({
      oauthBaseUrl: emulator.url,
      apiBaseUrl: emulator.url,
      userAgent: USER_AGENT,
    });
    expect(await rejectionOf(bare.requestAppToken())).toMatchObject({ code: 'invalid_argument' });
  });
});

describe('API calls', () => {
  it('calls /me with the bearer token and the User-Agent', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor() });
    const me = await transport.api<{ email: string; is_application: boolean }>(
      pair.accessToken,
      '/me',
    );
    expect(me).toMatchObject({ email: 'applicant@example.com', is_application: false });
  });

  it('sends HH-User-Agent when asked to (browsers)', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor() });
    const browserLike = make({ userAgentHeader: 'HH-User-Agent' });
    await expect(browserLike.api(pair.accessToken, '/me')).resolves.toMatchObject({
      is_application: false,
    });
  });

  it('acts as a manager work account, and reports an unknown one', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor('employer@example.com') });
    const accounts = await transport.api<{ items: Array<{ id: string }> }>(
      pair.accessToken,
      '/manager_accounts/mine',
    );
    expect(accounts.items.length).toBe(2);
    const id = accounts.items[1]!.id;
    await expect(
      transport.api(pair.accessToken, '/me', { managerAccountId: id }),
    ).resolves.toBeTruthy();
    const error = await rejectionOf(
      transport.api(pair.accessToken, '/me', { managerAccountId: 'no-such-account' }),
    );
    expect(error).toMatchObject({ status: 403 });
  });

  it('reports token_expired after the clock passes expiry, and bad_authorization for garbage', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor() });
    expect(await rejectionOf(transport.api('not-a-token', '/me'))).toMatchObject({
      code: 'bad_authorization',
      recovery: 'reauthorize',
    });
    await control('clock', { advanceSeconds: 1_209_601 });
    expect(await rejectionOf(transport.api(pair.accessToken, '/me'))).toMatchObject({
      code: 'token_expired',
      recovery: 'refresh',
    });
  });

  it('invalidates a token: 204, then the token and its refresh token are dead', async () => {
    const pair = await transport.exchangeCode({ code: await codeFor() });
    await transport.invalidateToken({ accessToken: pair.accessToken });
    expect(await rejectionOf(transport.api(pair.accessToken, '/me'))).toMatchObject({
      status: 403,
    });
    expect(
      await rejectionOf(transport.invalidateToken({ accessToken: pair.accessToken })),
    ).toMatchObject({ status: 403 });
    await control('clock', { advanceSeconds: 1_209_601 });
    const dead = await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! }));
    expect(dead.recovery).toBe('reauthorize');
  });
});
