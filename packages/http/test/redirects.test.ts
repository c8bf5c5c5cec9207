import type { HhOAuthError } from '@hh-oauth/core';
import { rejectionOf, shownBy } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../src/index.js';
import { type LocalServer, startLocalServer } from './local-server.js';

const USER_AGENT = 'hh-oauth-tests/1.0 (tests@example.com)';
const SECRET = 'CLIENT-SECRET-redirect-9c41';
const REFRESH = 'REFRESH-TOKEN-redirect-5e02';
const CODE = 'AUTH-CODE-redirect-18ab';
const ACCESS = 'ACCESS-TOKEN-redirect-a7d3';

/** Another origin (127.0.0.1, its own port) that records whatever reaches it. */
let elsewhere: LocalServer;
/** The configured hh.ru: answers every request with the status under test, Location: elsewhere. */
let redirector: LocalServer;
let status = 307;

beforeAll(async () => {
  elsewhere = await startLocalServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"access_token":"STOLEN","token_type":"bearer"}');
  });
  redirector = await startLocalServer((request, response) => {
    response.writeHead(status, { location: `${elsewhere.url}${request.url}` }).end();
  });
});
afterAll(async () => {
  await redirector?.close();
  await elsewhere?.close();
});
beforeEach(() => {
  elsewhere.requests.length = 0;
  redirector.requests.length = 0;
});

const transport = () =>
  createHttpTransport({
    oauthBaseUrl: redirector.url,
    apiBaseUrl: redirector.url,
    userAgent: USER_AGENT,
    clientId: 'client-id',
    clientSecret: SECRET,
    timeoutMs: 2000,
  });

describe('requests that carry credentials never follow a redirect', () => {
  it.each([301, 302, 303, 307, 308])(
    '%i to another origin: nothing reaches it, each call fails typed and secret-free',
    async (answer) => {
      status = answer;
      const t = transport();
      const errors: HhOAuthError[] = [
        await rejectionOf(t.refreshTokens({ refreshToken: REFRESH })),
        await rejectionOf(t.exchangeCode({ code: CODE, redirectUri: 'https://example.com/cb' })),
        await rejectionOf(t.requestAppToken()),
        await rejectionOf(t.invalidateToken({ accessToken: ACCESS })),
      ];
      expect(elsewhere.requests).toEqual([]);
      // Each went once to the configured origin, and no further.
      expect(redirector.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'DELETE']);
      for (const error of errors) {
        expect(error).toMatchObject({
          name: 'TransportError',
          code: 'invalid_response',
          recovery: 'fix_configuration',
          status: answer,
        });
        const shown = shownBy(error);
        for (const secret of [SECRET, REFRESH, CODE, ACCESS, elsewhere.url]) {
          expect(shown).not.toContain(secret);
        }
      }
    },
  );

  it('an API call follows one, and fetch drops the bearer token on the way to another origin', async () => {
    status = 302;
    await expect(transport().api(ACCESS, '/me')).resolves.toMatchObject({ token_type: 'bearer' });
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]!.headers.authorization).toBeUndefined();
  });
});
