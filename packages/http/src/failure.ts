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

/** True when the failure happened before any byte of the request reached the server. */
export function failedBeforeSending(error: unknown): boolean {
  const code = systemCode(error);
  return code !== undefined && NOT_SENT.has(code);
}

/**
 * Turns whatever fetch or ky threw into a typed, secret-free error. The original is not chained:
 * ky's errors carry the Request (headers with the bearer token, a body with the client secret),
 * so the cause keeps only the name, the system code and a message without the URL's query.
 */
export function toTransportError(error: unknown, what: string): TransportError {
  if (isHhOAuthError(error)) return error as TransportError;
  const name = (error as { name?: unknown })?.name;
  const code = systemCode(error);
  const cause = new Error(code ? `${String(name ?? 'Error')} (${code})` : String(name ?? 'Error'));
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TransportError('timeout', `${what} timed out`, { cause });
  }
  if (name === 'AbortError') {
    return new TransportError('network_error', `${what} was aborted`, { cause, recovery: 'none' });
  }
  if (failedBeforeSending(error)) {
    const message = `${what} failed before sending: the connection was refused`;
    return new TransportError('network_error', message, { cause, sent: false });
  }
  return new TransportError(
    'network_error',
    `${what} failed: the connection failed or was closed`,
    {
      cause,
    },
  );
}
