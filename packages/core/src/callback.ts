import { timingSafeEqual } from './authorize.js';
import { CallbackError, ConfigurationError } from './errors.js';

export interface CallbackOptions {
  /** The `state` sent to `/oauth/authorize`. Required: a callback without CSRF protection is refused. */
  readonly expectedState: string;
}

export interface AuthorizationCode {
  readonly code: string;
  readonly state: string;
}

/**
 * The callback URL as a `URL`. A relative URL (`req.url` in Node, `req.originalUrl` in Express)
 * is a programming error, not the user's: signing in again would fail the same way, so it is a
 * `ConfigurationError` that names the fix. The URL carries the code, so it is never put in the
 * error or its cause.
 *
 * @throws {ConfigurationError} `invalid_callback_url` (recovery `fix_configuration`).
 */
export function readCallbackUrl(callbackUrl: string | URL): URL {
  if (callbackUrl instanceof URL) return callbackUrl;
  if (typeof callbackUrl === 'string' && URL.canParse(callbackUrl)) return new URL(callbackUrl);
  throw new ConfigurationError(
    'invalid_callback_url',
    'the callback URL must be the absolute URL the browser requested, e.g. ' +
      "new URL(req.originalUrl, 'https://app.example.com'), not a path",
  );
}

/**
 * Reads the authorization response hh.ru sent to the redirect_uri: the code, or the error.
 * The state is checked first, in constant time, so that a forged response is refused before its
 * content is trusted.
 *
 * @throws {CallbackError} `state_missing`, `state_mismatch`, `access_denied`,
 *   `authorization_error` (another `error=`), or `invalid_callback` (no single code).
 * @throws {ConfigurationError} `invalid_callback_url`: not an absolute URL.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 RFC 6749 §4.1.2: authorization response
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 RFC 6749 §10.12: CSRF
 */
export function parseCallback(
  callbackUrl: string | URL,
  options: CallbackOptions,
): AuthorizationCode {
  const params = readCallbackUrl(callbackUrl).searchParams;
  const expected = options?.expectedState;
  if (typeof expected !== 'string' || expected.length === 0) {
    throw new CallbackError('state_missing', 'parseCallback needs the expected state');
  }
  const states = params.getAll('state');
  if (states.length === 0) {
    throw new CallbackError('state_missing', 'the callback carries no state');
  }
  if (states.length > 1 || !timingSafeEqual(states[0] ?? '', expected)) {
    throw new CallbackError('state_mismatch', 'the callback state does not match the pending one');
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? undefined;
    const detail = description === undefined ? {} : { errorDescription: description };
    if (error === 'access_denied') {
      throw new CallbackError('access_denied', 'the user denied access', { error, ...detail });
    }
    throw new CallbackError('authorization_error', 'hh.ru refused the authorization request', {
      error,
      ...detail,
    });
  }
  const codes = params.getAll('code');
  if (codes.length !== 1 || codes[0] === '') {
    throw new CallbackError('invalid_callback', 'the callback carries no single code');
  }
  return { code: codes[0] as string, state: expected };
}
