import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isHhOAuthError, TokenEndpointError, TransportError } from './errors.js';
import { parseTokenResponse } from './token-response.js';

const now = 1_700_000_000_000;
const ok = (body: unknown) => parseTokenResponse(200, JSON.stringify(body), { now });
const failure = (status: number, body: string) => {
  try {
    parseTokenResponse(status, body, { now });
  } catch (error) {
    return error as TokenEndpointError;
  }
  throw new Error('expected a throw');
};

describe('parseTokenResponse: success', () => {
  it('reads a user token answer (14 days)', () => {
    expect(
      ok({ access_token: 'A', token_type: 'bearer', expires_in: 1209600, refresh_token: 'R' }),
    ).toEqual({
      accessToken: 'A',
      tokenType: 'bearer',
      refreshToken: 'R',
      expiresAt: now + 1209600 * 1000,
      obtainedAt: now,
    });
  });

  it('reads an app token answer: no expiry, no refresh token', () => {
    expect(ok({ access_token: 'A', token_type: 'Bearer' })).toEqual({
      accessToken: 'A',
      tokenType: 'bearer',
      obtainedAt: now,
    });
  });

  it.each([
    ['not JSON', '{"access_token":'],
    ['an array', '[]'],
    ['no access_token', '{"token_type":"bearer"}'],
    ['empty access_token', '{"access_token":"","token_type":"bearer"}'],
    ['numeric access_token', '{"access_token":1,"token_type":"bearer"}'],
    ['mac token', '{"access_token":"A","token_type":"mac"}'],
    ['no token_type', '{"access_token":"A"}'],
    ['string expires_in', '{"access_token":"A","token_type":"bearer","expires_in":"60"}'],
    ['negative expires_in', '{"access_token":"A","token_type":"bearer","expires_in":-1}'],
    ['fractional expires_in', '{"access_token":"A","token_type":"bearer","expires_in":1.5}'],
    ['empty refresh_token', '{"access_token":"A","token_type":"bearer","refresh_token":""}'],
    ['null refresh_token', '{"access_token":"A","token_type":"bearer","refresh_token":null}'],
  ])('refuses %s as invalid_response', (_name, body) => {
    const error = failure(200, body);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('invalid_response');
  });

  it('refuses an oversized body', () => {
    expect(
      failure(200, `{"access_token":"${'a'.repeat(70_000)}","token_type":"bearer"}`).code,
    ).toBe('response_too_large');
  });
});

describe('parseTokenResponse: every row of docs/hh-protocol.md’s token-error table', () => {
  it.each([
    [400, 'invalid_request', 'account not found', 'account_not_found', 'fix_configuration'],
    [400, 'invalid_request', 'account is locked', 'account_locked', 'reauthorize'],
    [400, 'invalid_request', 'password invalidated', 'password_invalidated', 'reauthorize'],
    [400, 'invalid_request', 'login not verified', 'login_not_verified', 'reauthorize'],
    [400, 'invalid_request', 'bad redirect url', 'bad_redirect_uri', 'fix_configuration'],
    [400, 'invalid_request', 'token is empty', 'refresh_token_empty', 'fix_configuration'],
    [400, 'invalid_request', 'token not found', 'refresh_token_not_found', 'reauthorize'],
    [400, 'invalid_request', 'code not found', 'code_not_found', 'reauthorize'],
    [
      400,
      'invalid_client',
      'client_id or client_secret not found',
      'invalid_client',
      'fix_configuration',
    ],
    [400, 'invalid_grant', 'token has already been refreshed', 'refresh_token_reused', 'reload'],
    [400, 'invalid_grant', 'token not expired', 'token_not_expired', 'retry_later'],
    [400, 'invalid_grant', 'token was revoked', 'refresh_token_revoked', 'reauthorize'],
    [400, 'invalid_grant', 'bad token', 'malformed_token', 'reauthorize'],
    [400, 'invalid_grant', 'code has already been used', 'code_already_used', 'reauthorize'],
    [400, 'invalid_grant', 'code expired', 'code_expired', 'reauthorize'],
    [400, 'invalid_grant', 'code was revoke', 'code_revoked', 'reauthorize'],
    [400, 'invalid_grant', 'token deactivated', 'token_deactivated', 'reauthorize'],
    [
      400,
      'unsupported_grant_type',
      'unsupported grant_type',
      'unsupported_grant_type',
      'fix_configuration',
    ],
    [403, 'forbidden', 'app token refresh too early', 'app_token_too_early', 'retry_later'],
  ])('%i %s / %s → %s (%s)', (status, error, description, code, recovery) => {
    const thrown = failure(status, JSON.stringify({ error, error_description: description }));
    expect(thrown).toBeInstanceOf(TokenEndpointError);
    expect(thrown).toMatchObject({ code, recovery, error, errorDescription: description, status });
    expect(ERROR_CODES[thrown.code]).toBe(recovery);
  });

  it('keeps an undocumented error as oauth_error with the server’s words', () => {
    expect(failure(400, '{"error":"invalid_scope","error_description":"no"}')).toMatchObject({
      code: 'oauth_error',
      error: 'invalid_scope',
      errorDescription: 'no',
    });
  });

  it('turns 5xx into a retryable server_error, and a non-OAuth 4xx into invalid_response', () => {
    expect(failure(502, '<html>')).toMatchObject({
      code: 'server_error',
      recovery: 'retry_later',
      status: 502,
    });
    expect(failure(404, '<html>')).toMatchObject({ code: 'invalid_response', status: 404 });
  });
});

describe('parseTokenResponse: properties', () => {
  const tokenLike = fc.string({ minLength: 1, maxLength: 40 });
  it('never throws anything but HhOAuthError, and never puts the body in a message', () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc
        .record(
          {
            access_token: fc.anything(),
            token_type: fc.anything(),
            expires_in: fc.anything(),
            refresh_token: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), body, tokenLike, (status, text, secret) => {
        const withSecret = text.includes('"') ? text.replace('"', `"${secret}`) : text;
        try {
          parseTokenResponse(status, withSecret, { now });
        } catch (error) {
          expect(isHhOAuthError(error)).toBe(true);
          if (secret.length >= 8) {
            const shown = `${String(error)} ${JSON.stringify(error)}`;
            expect(shown).not.toContain(secret);
          }
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('reads back exactly what a valid answer says', () => {
    fc.assert(
      fc.property(
        tokenLike,
        fc.option(tokenLike, { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 10 ** 8 }), { nil: undefined }),
        fc.integer({ min: 0, max: 2 ** 42 }),
        (a, r, e, at) => {
          const tokens = parseTokenResponse(
            200,
            JSON.stringify({
              access_token: a,
              token_type: 'bearer',
              refresh_token: r,
              expires_in: e,
            }),
            { now: at },
          );
          expect(tokens.accessToken).toBe(a);
          expect(tokens.refreshToken).toBe(r);
          expect(tokens.expiresAt).toBe(e === undefined ? undefined : at + e * 1000);
          expect(tokens.obtainedAt).toBe(at);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
