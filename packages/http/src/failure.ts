import { isHhOAuthError, TransportError } from '@hh-oauth/core';

/** Error codes of Node/undici (and Bun) that prove the request never left this machine. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ConnectionRefused',
]);

/** The system-level code of a fetch failure (`cause.code` in Node, `code` in Bun), if any. */
export function systemCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True when fetch refused the port itself: the Fetch standard blocks "bad ports" (1, 6000, 6665,
 * …) before any connection is made, and undici reports it as a network error whose cause is
 * `bad port`. Retrying cannot help.
 *
 * @see https://fetch.spec.whatwg.org/#port-blocking Fetch: port blocking
 */
export function blockedPort(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if ((e as { message?: unknown }).message === 'bad port') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the connection was refused before any byte of the request was sent: worth a retry. */
export function refusedBeforeSending(error: unknown): boolean {
  const code = systemCode(error);
  return code !== undefined && NOT_SENT.has(code);
}

/**
 * Turns whatever fetch or ky threw into a typed, secret-free error. The original is not chained:
 * ky's errors carry the Request (headers with the bearer token, a body with the client secret),
 * so the cause keeps only the name and the system code, never a message or a URL.
 */
export function toTransportError(error: unknown, what: string): TransportError {
  if (isHhOAuthError(error)) return error as TransportError;
  const name = String((error as { name?: unknown })?.name ?? 'Error');
  const code = systemCode(error);
  const cause = new Error(code ? `${name} (${code})` : name);
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportError('timeout', `${what} timed out`, { cause });
  }
  if (name === 'AbortError') {
    return new TransportError('network_error', `${what} was aborted`, { cause, recovery: 'none' });
  }
  if (blockedPort(error)) {
    const message = `${what} was not sent: fetch refuses this port (a Fetch-standard "bad port")`;
    return new TransportError('network_error', message, {
      cause: new Error(`${name} (bad port)`),
      sent: false,
      recovery: 'fix_configuration',
    });
  }
  if (refusedBeforeSending(error)) {
    const message = `${what} failed before sending: no connection could be made`;
    return new TransportError('network_error', message, { cause, sent: false });
  }
  const message = `${what} failed: the connection failed or was closed`;
  return new TransportError('network_error', message, { cause });
}
