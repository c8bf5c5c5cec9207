import { parseApiError } from './api-error.js';
import { ApiError, type HhOAuthError, TransportError } from './errors.js';
import { type HttpAnswer, isRedirect, redirectRefused, retryAtFrom } from './http-answer.js';

export interface ApiResponseOptions {
  /** The caller's clock, in ms since the epoch: `retryAt` = now + Retry-After. */
  readonly now: number;
  /** Names the call in messages, e.g. `GET /me`; pass no query string (it may hold data). */
  readonly label?: string;
}

/**
 * An API answer into its value or a typed error: the parsed JSON of a 2xx (undefined for an empty
 * body), else the error hh.ru's body and status say. A 429 is `retry_later` with `retryAt` from
 * `Retry-After`; a 5xx is `server_error`, with `retryAt` too when hh.ru sent one.
 *
 * @throws {ApiError} for hh.ru's error answers (see {@link parseApiError}).
 * @throws {TransportError} `server_error`, `invalid_response` (a 2xx that is not JSON).
 * @see https://github.com/hhru/api/blob/master/docs/errors.md hh.ru: errors
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 RFC 6750 §3.1: bearer error codes
 */
export function processApiResponse<T = unknown>(
  answer: HttpAnswer,
  options: ApiResponseOptions,
): T {
  const { status, body } = answer;
  const label = options.label ?? 'the API call';
  if (status >= 200 && status < 300) {
    if (body === '') return undefined as T;
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new TransportError('invalid_response', `${label} answered with invalid JSON`, {
        status,
      });
    }
  }
  throw apiFailure(answer, options.now, label);
}

/**
 * The answer to hh.ru's `DELETE /oauth/token` (invalidate the user's access and refresh tokens):
 * nothing on 204 or 200, else a typed error. A redirect is refused: the request carried the
 * bearer token (RFC 6750 §2.1) and is never sent on to another place.
 *
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: invalidating a token
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: the Authorization header
 */
export function processTokenInvalidation(
  answer: HttpAnswer,
  options: { readonly now: number },
): void {
  const { status } = answer;
  if (status === 204 || status === 200) return;
  if (isRedirect(status)) throw redirectRefused('DELETE /oauth/token', status);
  throw apiFailure(answer, options.now, 'DELETE /oauth/token');
}

function apiFailure(answer: HttpAnswer, now: number, label: string): HhOAuthError {
  const { status, body } = answer;
  if (status >= 500) {
    return new TransportError('server_error', `${label} answered ${status}`, {
      status,
      ...retryAtFrom(answer, now),
    });
  }
  const parsed = parseApiError(status, body);
  if (status !== 429) return parsed;
  return new ApiError('api_error', `${label} was rate-limited (429)`, {
    status,
    recovery: 'retry_later',
    ...(parsed.errors === undefined ? {} : { errors: parsed.errors }),
    ...retryAtFrom(answer, now),
  });
}
