import {
  ConfigurationError,
  type ErrorCode,
  type HhOAuthError,
  TokenEndpointError,
  TransportError,
} from './errors.js';
import { type HttpAnswer, isRedirect, redirectRefused, retryAtFrom } from './http-answer.js';
import type { TokenSet } from './types.js';

/** Token answers are a few hundred bytes; anything past this is not hh.ru talking. */
export const MAX_RESPONSE_CHARS = 64 * 1024;

/**
 * hh.ru's documented token-endpoint errors, keyed by `error` then `error_description`.
 * @see docs/hh-protocol.md "Token endpoint errors" (in this repository)
 */
const TOKEN_ERRORS: Readonly<Record<string, Readonly<Record<string, ErrorCode>>>> = {
  invalid_request: {
    'account not found': 'account_not_found',
    'account is locked': 'account_locked',
    'password invalidated': 'password_invalidated',
    'login not verified': 'login_not_verified',
    'bad redirect url': 'bad_redirect_uri',
    'token is empty': 'refresh_token_empty',
    'token not found': 'refresh_token_not_found',
    'code not found': 'code_not_found',
  },
  invalid_client: {
    'client_id or client_secret not found': 'invalid_client',
  },
  invalid_grant: {
    'token has already been refreshed': 'refresh_token_reused',
    'token not expired': 'token_not_expired',
    'token was revoked': 'refresh_token_revoked',
    'bad token': 'malformed_token',
    'code has already been used': 'code_already_used',
    'code expired': 'code_expired',
    'code was revoke': 'code_revoked',
    'code was revoked': 'code_revoked',
    'token deactivated': 'token_deactivated',
  },
  unsupported_grant_type: {
    'unsupported grant_type': 'unsupported_grant_type',
  },
  forbidden: {
    'app token refresh too early': 'app_token_too_early',
  },
};

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  account_not_found: 'hh.ru does not know this client_id / client_secret pair',
  account_locked: "the user's hh.ru account is locked",
  password_invalidated: 'the user must restore their password on hh.ru',
  login_not_verified: "the user's hh.ru account is not confirmed",
  bad_redirect_uri:
    'hh.ru refused the redirect_uri (it must be the very string sent to /oauth/authorize, or absent if none was sent)',
  refresh_token_empty: 'no refresh_token was sent',
  refresh_token_not_found: 'hh.ru does not know this refresh token',
  code_not_found: 'hh.ru does not know this authorization code',
  invalid_client: 'unknown or deleted client, or a wrong client_secret',
  refresh_token_reused: 'this refresh token was already used: reload the stored pair',
  token_not_expired: 'hh.ru refreshes only after the access token has expired',
  refresh_token_revoked: 'the refresh token was revoked',
  malformed_token: 'the token value is malformed',
  code_already_used: 'the authorization code was already used',
  code_expired: 'the authorization code expired',
  code_revoked: 'the authorization code was revoked',
  token_deactivated: 'the token was deactivated (the user changed their password)',
  unsupported_grant_type: 'hh.ru does not support this grant_type',
  app_token_too_early: 'hh.ru issues a new application token at most once per 5 minutes',
};

export interface TokenResponseOptions {
  /** The caller's clock, in ms since the epoch: `expiresAt` = now + expires_in. */
  readonly now: number;
  /** Refuse longer bodies (default 64 KiB of text). */
  readonly maxChars?: number;
}

/**
 * Turns a token-endpoint error answer into a typed error (used by {@link parseTokenResponse}).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2: error response
 */
export function tokenEndpointError(
  status: number,
  error: string,
  errorDescription: string | undefined,
): TokenEndpointError {
  const code: ErrorCode =
    (errorDescription !== undefined ? TOKEN_ERRORS[error]?.[errorDescription] : undefined) ??
    'oauth_error';
  const message =
    MESSAGES[code] ?? `the token endpoint answered ${status} with error "${error.slice(0, 64)}"`;
  const options =
    errorDescription === undefined ? { error, status } : { error, errorDescription, status };
  return new TokenEndpointError(code, message, options);
}

/**
 * Reads an answer of the token endpoint (any grant) into a {@link TokenSet}, or throws a typed
 * error. The body is never copied into a message: it may hold tokens.
 *
 * @throws {TokenEndpointError} for hh.ru's error answers (see `ERROR_CODES`).
 * @throws {TransportError} `server_error` (5xx), `invalid_response`, `response_too_large`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1: successful response
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2: error response
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-4 RFC 6750: bearer tokens
 */
export function parseTokenResponse(
  status: number,
  bodyText: string,
  options: TokenResponseOptions,
): TokenSet {
  const now = checkedNow(options, 'parseTokenResponse');
  if (typeof bodyText !== 'string') {
    throw new TransportError('invalid_response', 'the token endpoint answer has no body', {
      status,
    });
  }
  if (bodyText.length > (options.maxChars ?? MAX_RESPONSE_CHARS)) {
    throw new TransportError('response_too_large', 'the token endpoint answer is too large', {
      status,
    });
  }
  if (status >= 500) {
    throw new TransportError('server_error', `the token endpoint answered ${status}`, { status });
  }
  const body = parseJsonObject(bodyText);
  if (status !== 200) {
    if (body && typeof body.error === 'string' && body.error.length > 0) {
      const description =
        typeof body.error_description === 'string' ? body.error_description : undefined;
      throw tokenEndpointError(status, body.error, description);
    }
    throw invalid(`the token endpoint answered ${status} without an OAuth error`, status);
  }
  if (!body) throw invalid('the token endpoint answer is not a JSON object', status);
  const { access_token, token_type, refresh_token, expires_in } = body;
  if (typeof access_token !== 'string' || access_token.length === 0) {
    throw invalid('the token endpoint answer has no access_token', status);
  }
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') {
    throw invalid('the token endpoint answer has a token_type other than bearer', status);
  }
  if (refresh_token !== undefined && (typeof refresh_token !== 'string' || refresh_token === '')) {
    throw invalid('the token endpoint answer has an invalid refresh_token', status);
  }
  if (
    expires_in !== undefined &&
    (typeof expires_in !== 'number' || !Number.isSafeInteger(expires_in) || expires_in <= 0)
  ) {
    throw invalid('the token endpoint answer has an invalid expires_in', status);
  }
  const tokens: { -readonly [K in keyof TokenSet]: TokenSet[K] } = {
    accessToken: access_token,
    tokenType: 'bearer',
    obtainedAt: now,
  };
  if (refresh_token !== undefined) tokens.refreshToken = refresh_token;
  if (expires_in !== undefined) tokens.expiresAt = now + expires_in * 1000;
  return tokens;
}

/**
 * The token endpoint's whole answer — status, headers, body — into a {@link TokenSet} or a typed
 * error: what a transport calls after moving the bytes. On top of {@link parseTokenResponse}:
 * a redirect (3xx, or a browser's opaque redirect, status 0) is refused as `invalid_response`
 * with `fix_configuration`, and a 5xx's `Retry-After` becomes `retryAt` on the caller's clock.
 *
 * @throws {TokenEndpointError} for hh.ru's error answers (RFC 6749 §5.2).
 * @throws {TransportError} `server_error`, `invalid_response`, `response_too_large`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 RFC 6749 §5.1: successful response
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2: error response
 */
export function processTokenResponse(answer: HttpAnswer, options: TokenResponseOptions): TokenSet {
  const now = checkedNow(options, 'processTokenResponse');
  const { status } = answer;
  if (isRedirect(status)) throw redirectRefused('the token endpoint', status);
  if (status >= 500) {
    throw new TransportError('server_error', `the token endpoint answered ${status}`, {
      status,
      ...retryAtFrom(answer, now),
    });
  }
  return parseTokenResponse(status, answer.body, options);
}

function checkedNow(options: TokenResponseOptions | undefined, name: string): number {
  const now = options?.now;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new ConfigurationError('invalid_argument', `${name} needs options.now (ms)`);
  }
  return now;
}

function invalid(message: string, status: number): HhOAuthError {
  return new TransportError('invalid_response', message, { status });
}

/** JSON.parse that yields a plain object or undefined, never a throw. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
