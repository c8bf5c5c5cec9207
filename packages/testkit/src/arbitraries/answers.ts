import type { ErrorCode } from '@hh-oauth/core';
import fc from 'fast-check';

/** An HTTP answer as the transport sees it. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One row of hh.ru's token-endpoint error table (docs/hh-protocol.md "Token endpoint errors"). */
export interface TokenErrorRow {
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string;
  readonly code: ErrorCode;
}

/** hh.ru's documented token-endpoint errors, with the code `@hh-oauth/core` gives each. */
export const TOKEN_ENDPOINT_ERRORS: readonly TokenErrorRow[] = [
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'account not found',
    code: 'account_not_found',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'account is locked',
    code: 'account_locked',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'password invalidated',
    code: 'password_invalidated',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'login not verified',
    code: 'login_not_verified',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'bad redirect url',
    code: 'bad_redirect_uri',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'token is empty',
    code: 'refresh_token_empty',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'token not found',
    code: 'refresh_token_not_found',
  },
  {
    status: 400,
    error: 'invalid_request',
    errorDescription: 'code not found',
    code: 'code_not_found',
  },
  {
    status: 400,
    error: 'invalid_client',
    errorDescription: 'client_id or client_secret not found',
    code: 'invalid_client',
  },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'token has already been refreshed',
    code: 'refresh_token_reused',
  },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'token not expired',
    code: 'token_not_expired',
  },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'token was revoked',
    code: 'refresh_token_revoked',
  },
  { status: 400, error: 'invalid_grant', errorDescription: 'bad token', code: 'malformed_token' },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'code has already been used',
    code: 'code_already_used',
  },
  { status: 400, error: 'invalid_grant', errorDescription: 'code expired', code: 'code_expired' },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'code was revoke',
    code: 'code_revoked',
  },
  {
    status: 400,
    error: 'invalid_grant',
    errorDescription: 'token deactivated',
    code: 'token_deactivated',
  },
  {
    status: 400,
    error: 'unsupported_grant_type',
    errorDescription: 'unsupported grant_type',
    code: 'unsupported_grant_type',
  },
  {
    status: 403,
    error: 'forbidden',
    errorDescription: 'app token refresh too early',
    code: 'app_token_too_early',
  },
];

/** hh.ru's API errors about authorization (`403 {"errors":[{"type":"oauth","value":…}]}`). */
export const API_OAUTH_ERRORS: readonly { readonly value: string; readonly code: ErrorCode }[] = [
  { value: 'bad_authorization', code: 'bad_authorization' },
  { value: 'token_expired', code: 'token_expired' },
  { value: 'token_revoked', code: 'token_revoked' },
  { value: 'application_not_found', code: 'application_not_found' },
  { value: 'user_auth_expected', code: 'user_auth_expected' },
];

export function tokenErrorAnswer(row: TokenErrorRow): HttpAnswer {
  return {
    status: row.status,
    body: JSON.stringify({ error: row.error, error_description: row.errorDescription }),
  };
}

export function apiOauthErrorAnswer(value: string): HttpAnswer {
  return { status: 403, body: JSON.stringify({ errors: [{ type: 'oauth', value }] }) };
}

/** Every documented token-endpoint error answer, with the expected code. */
export const tokenErrorAnswerArb: fc.Arbitrary<HttpAnswer & { readonly code: ErrorCode }> = fc
  .constantFrom(...TOKEN_ENDPOINT_ERRORS)
  .map((row) => ({ ...tokenErrorAnswer(row), code: row.code }));

/** Every documented API oauth error answer, with the expected code. */
export const apiErrorAnswerArb: fc.Arbitrary<HttpAnswer & { readonly code: ErrorCode }> = fc
  .constantFrom(...API_OAUTH_ERRORS)
  .map(({ value, code }) => ({ ...apiOauthErrorAnswer(value), code }));

const tokenValue = fc.stringMatching(/^[A-Z0-9]{16,64}$/);

/** A valid `200` token answer: a user pair (14 days by default) or an app token (no expiry). */
export const tokenAnswerArb: fc.Arbitrary<HttpAnswer> = fc
  .record(
    {
      access_token: tokenValue,
      token_type: fc.constantFrom('bearer', 'Bearer', 'BEARER'),
      refresh_token: tokenValue,
      expires_in: fc.oneof(fc.constant(1_209_600), fc.integer({ min: 1, max: 1_209_600 })),
    },
    { requiredKeys: ['access_token', 'token_type'] },
  )
  .map((body) => ({ status: 200, body: JSON.stringify(body) }));

/** A `200` answer a parser must refuse (`invalid_response`), and 5xx answers (`server_error`). */
export const malformedTokenAnswerArb: fc.Arbitrary<HttpAnswer> = fc.oneof(
  fc
    .constantFrom(
      '',
      'null',
      '[]',
      '"token"',
      '<html>502 Bad Gateway</html>',
      '{"access_token":""}',
      '{"access_token":"A","token_type":"mac"}',
      '{"access_token":"A","token_type":"bearer","expires_in":-1}',
      '{"access_token":"A","token_type":"bearer","expires_in":"3600"}',
      '{"access_token":"A","token_type":"bearer","refresh_token":42}',
      '{"access_token":"A","token_type":"bearer","refresh_token":""}',
      '{"access_token":"A","token_type":"bearer"',
    )
    .map((body) => ({ status: 200, body })),
  fc.record({ status: fc.integer({ min: 500, max: 599 }), body: fc.string({ maxLength: 40 }) }),
);

/** A callback URL for `redirectUri`: a code, an error, or junk, with the given or another state. */
export function callbackUrlArb(
  redirectUri: string,
  state: string,
): fc.Arbitrary<{
  readonly kind: 'code' | 'error' | 'wrong_state' | 'no_state' | 'no_code';
  readonly url: string;
}> {
  const join = (query: string) => `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query}`;
  const enc = encodeURIComponent;
  const code = fc.stringMatching(/^[A-Z0-9]{8,40}$/);
  return fc.oneof(
    code.map((c) => ({ kind: 'code' as const, url: join(`code=${enc(c)}&state=${enc(state)}`) })),
    fc
      .constantFrom('access_denied', 'server_error', 'invalid_request')
      .map((e) => ({ kind: 'error' as const, url: join(`error=${e}&state=${enc(state)}`) })),
    fc
      .tuple(
        code,
        fc.string({ maxLength: 20 }).filter((s) => s !== state),
      )
      .map(([c, s]) => ({
        kind: 'wrong_state' as const,
        url: join(`code=${enc(c)}&state=${enc(s)}`),
      })),
    code.map((c) => ({ kind: 'no_state' as const, url: join(`code=${enc(c)}`) })),
    fc.constant({ kind: 'no_code' as const, url: join(`state=${enc(state)}`) }),
  );
}

/**
 * A pair of clocks: the caller's and hh.ru's, `skewMs` apart, both starting at `start`
 * (ms since the epoch). Use `drift` to model a caller clock that jumps (NTP, sleep, VM pause).
 */
export const skewedClockArb: fc.Arbitrary<{ readonly start: number; readonly skewMs: number }> =
  fc.record({
    start: fc.integer({ min: 1_500_000_000_000, max: 2_000_000_000_000 }),
    skewMs: fc.oneof(fc.constant(0), fc.integer({ min: -10 * 60_000, max: 10 * 60_000 })),
  });
