import { TransportError } from './errors.js';

/**
 * What a transport hands the core after one HTTP exchange: the status, the headers and the body
 * text, already read (and capped) by the transport. The core's response processors
 * (`processTokenResponse`, `processApiResponse`, `processTokenInvalidation`) turn it into a value
 * or a typed error. They are pure: no I/O, and the caller's clock comes in as `now`.
 */
export interface HttpAnswer {
  readonly status: number;
  /** Only `get` is used (for `Retry-After`): a fetch `Headers` fits. Absent: no headers. */
  readonly headers?: { get(name: string): string | null } | undefined;
  readonly body: string;
}

/**
 * `Retry-After` (delay-seconds or an HTTP-date, RFC 9110 §10.2.3) as ms from `now`; undefined
 * when absent or unreadable. An HTTP-date is read against `now`, so pass the real clock's time
 * when the wait is to be slept, and the caller's clock when it stamps `retryAt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3 RFC 9110 §10.2.3: Retry-After
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP-date in any of its three forms starts with the day's name (RFC 9110 §5.6.7); without
  // this check Date.parse would read "-1" or "1.5" as dates.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `retryAt` for an error, from the answer's `Retry-After`: `{ retryAt }` or `{}`. */
export function retryAtFrom(answer: HttpAnswer, now: number): { retryAt?: number } {
  const wait = retryAfterMs(answer.headers?.get('retry-after'), now);
  return wait === undefined ? {} : { retryAt: now + wait };
}

/**
 * True for an answer that sends the client elsewhere: a 3xx, or status 0, which is what a browser
 * shows script for a redirect under `redirect: 'manual'` (an opaque-redirect response).
 */
export function isRedirect(status: number): boolean {
  return status === 0 || (status >= 300 && status < 400);
}

/**
 * The error for a redirect that was not followed. A 307/308 repeats the POST body (client_secret,
 * code, refresh token: RFC 6749 §2.3.1, §4.1.3, §6) and the request's headers at the new
 * location (RFC 9110 §15.4.8), so credentials never follow one. Nothing of the answer (its
 * `Location` may be anything) goes into the message.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 RFC 6749 §2.3.1: client password in the body
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4.8 RFC 9110 §15.4.8: 307 keeps method and body
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.12 RFC 9700 §4.12: 307 redirects leak credentials
 */
export function redirectRefused(what: string, status: number): TransportError {
  return new TransportError(
    'invalid_response',
    `${what} answered with a redirect (${status}), which is not followed: it would carry the request's credentials elsewhere; check the base URL and path`,
    { status, recovery: 'fix_configuration' },
  );
}
