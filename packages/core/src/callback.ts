import { timingSafeEqual } from './authorize.js';
import { CallbackError } from './errors.js';

export interface CallbackOptions {
  /** The `state` sent to `/oauth/authorize`. Required: a callback without CSRF protection is refused. */
  readonly expectedState: string;
}

export interface AuthorizationCode {
  readonly code: string;
  readonly state: string;
}

/**
 * Reads the authorization response hh.ru sent to the redirect_uri: the code, or the error.
 * The state is checked first, in constant time, so that a forged response is refused before its
 * content is trusted.
 *
 * @throws {CallbackError} `state_missing`, `state_mismatch`, `access_denied`,
 *   `authorization_error` (another `error=`), or `invalid_callback` (not a URL, no code).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 RFC 6749 §4.1.2: authorization response
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 RFC 6749 §10.12: CSRF
 */
export function parseCallback(
  callbackUrl: string | URL,
  options: CallbackOptions,
): AuthorizationCode {
  let params: URLSearchParams;
  try {
    params = (typeof callbackUrl === 'string' ? new URL(callbackUrl) : callbackUrl).searchParams;
  } catch (cause) {
    throw new CallbackError('invalid_callback', 'the callback URL is not an absolute URL', {
      cause,
    });
  }
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
