/**
 * The error taxonomy: one base class, a few subclasses by origin, a stable string `code` for every
 * row of hh.ru's two error tables, and a `recovery` hint that tells the caller what to do next.
 *
 * Messages are built from codes and from hh.ru's own fixed descriptions only, never from request
 * data, so no client secret, code or token can reach a message, a log line or a stack.
 *
 * @see https://api.hh.ru/openapi/redoc#section/Avtorizaciya hh.ru: authorization
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2: error response
 */

/** What the caller should do after an error. */
export type Recovery =
  /** Send the user through `/oauth/authorize` again: the grant is gone. */
  | 'reauthorize'
  /** Refresh the pair (the access token expired), then retry once. */
  | 'refresh'
  /** Another party already refreshed: reload the stored pair instead of refreshing again. */
  | 'reload'
  /** Wait (see `retryAt` where known) and try again; nothing is lost. */
  | 'retry_later'
  /** A programming or configuration mistake (client id, secret, redirect_uri, User-Agent). */
  | 'fix_configuration'
  /** Nothing to do automatically. */
  | 'none';

/**
 * Every stable error code, with the recovery it implies. Codes are part of the public contract:
 * match on `error.code`, never on `error.message`.
 */
export const ERROR_CODES = {
  // Token endpoint (docs/hh-protocol.md "Token endpoint errors").
  account_not_found: 'fix_configuration',
  account_locked: 'reauthorize',
  password_invalidated: 'reauthorize',
  login_not_verified: 'reauthorize',
  bad_redirect_uri: 'fix_configuration',
  refresh_token_empty: 'fix_configuration',
  refresh_token_not_found: 'reauthorize',
  code_not_found: 'reauthorize',
  invalid_client: 'fix_configuration',
  refresh_token_reused: 'reload',
  token_not_expired: 'retry_later',
  refresh_token_revoked: 'reauthorize',
  malformed_token: 'reauthorize',
  code_already_used: 'reauthorize',
  code_expired: 'reauthorize',
  code_revoked: 'reauthorize',
  token_deactivated: 'reauthorize',
  unsupported_grant_type: 'fix_configuration',
  app_token_too_early: 'retry_later',
  /** Any other RFC 6749 §5.2 error hh.ru may send; `error` / `errorDescription` say which. */
  oauth_error: 'none',
  // API errors about authorization (docs/hh-protocol.md "API errors about authorization").
  bad_authorization: 'reauthorize',
  token_expired: 'refresh',
  token_revoked: 'reauthorize',
  application_not_found: 'fix_configuration',
  user_auth_expected: 'fix_configuration',
  user_agent_missing: 'fix_configuration',
  user_agent_blacklisted: 'fix_configuration',
  /** 403 without an oauth error, e.g. an unknown `X-Manager-Account-Id`. */
  forbidden: 'none',
  /** Any other API error; `errors` keeps what hh.ru sent. */
  api_error: 'none',
  // The authorization response (the redirect back to the application).
  access_denied: 'reauthorize',
  state_missing: 'reauthorize',
  state_mismatch: 'reauthorize',
  authorization_error: 'reauthorize',
  invalid_callback: 'reauthorize',
  // Responses that cannot be read.
  invalid_response: 'retry_later',
  response_too_large: 'retry_later',
  // Transport.
  server_error: 'retry_later',
  network_error: 'retry_later',
  timeout: 'retry_later',
  // Local checks.
  invalid_redirect_uri: 'fix_configuration',
  invalid_argument: 'fix_configuration',
  /** The callback URL handed in is relative or not a URL: pass the absolute URL the browser requested. */
  invalid_callback_url: 'fix_configuration',
  /** The session cannot yield a token: signed out, failed, or never authorized. */
  not_authorized: 'reauthorize',
  /**
   * The stored record changed while this caller worked on it (another process wrote first) and
   * was kept: read it again. Nothing this caller held was lost to the conflict.
   */
  record_changed: 'reload',
} as const satisfies Record<string, Recovery>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One `{type, value}` entry of an API error body. */
export interface ApiErrorEntry {
  readonly type: string;
  readonly value?: string;
}

export interface HhOAuthErrorOptions {
  /** The `error` field hh.ru sent (RFC 6749 §5.2), if any. */
  error?: string;
  /** The `error_description` field hh.ru sent, if any. */
  errorDescription?: string;
  /** The HTTP status, when the error came from a response. */
  status?: number;
  /** The `errors` array of an API error body. */
  errors?: readonly ApiErrorEntry[];
  /** When a `retry_later` error may be retried, in ms since the epoch, if known. */
  retryAt?: number;
  /** Overrides the code's default recovery. */
  recovery?: Recovery;
  /**
   * `false` when the request provably never left this machine (connection refused, DNS): a
   * single-use code or refresh token it carried was not consumed and may be sent again.
   */
  sent?: false;
  cause?: unknown;
}

const BRAND = Symbol.for('@hh-oauth/core:HhOAuthError');
const MAX_DESCRIPTION = 200;

/** Keeps a server-provided string short and printable before it may appear in a message. */
function clip(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return printable.length > MAX_DESCRIPTION ? `${printable.slice(0, MAX_DESCRIPTION)}…` : printable;
}

/** The base class of every error hh-oauth throws. */
export class HhOAuthError extends Error {
  override name = 'HhOAuthError';
  readonly code: ErrorCode;
  readonly recovery: Recovery;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly status?: number;
  readonly errors?: readonly ApiErrorEntry[];
  readonly retryAt?: number;
  /** `false` when the request provably never reached the server; absent otherwise. */
  readonly sent?: false;

  constructor(code: ErrorCode, message: string, options: HhOAuthErrorOptions = {}) {
    super(`[hh-oauth] ${message}`, options.cause === undefined ? {} : { cause: options.cause });
    this.code = code;
    this.recovery = options.recovery ?? ERROR_CODES[code];
    const error = clip(options.error);
    const errorDescription = clip(options.errorDescription);
    if (error !== undefined) this.error = error;
    if (errorDescription !== undefined) this.errorDescription = errorDescription;
    if (options.status !== undefined) this.status = options.status;
    if (options.errors !== undefined) this.errors = options.errors;
    if (options.retryAt !== undefined) this.retryAt = options.retryAt;
    if (options.sent === false) this.sent = false;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A plain, secret-free object for logs and JSON. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      recovery: this.recovery,
      message: this.message,
    };
    for (const key of [
      'error',
      'errorDescription',
      'status',
      'errors',
      'retryAt',
      'sent',
    ] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** An RFC 6749 §5.2 error answer of the token endpoint. */
export class TokenEndpointError extends HhOAuthError {
  override name = 'TokenEndpointError';
}

/** An error answer of the API (`{"errors":[{"type","value"}]}`). */
export class ApiError extends HhOAuthError {
  override name = 'ApiError';
}

/** The authorization response (the redirect to `redirect_uri`) carried an error or failed a check. */
export class CallbackError extends HhOAuthError {
  override name = 'CallbackError';
}

/** The network failed, timed out, hh.ru answered 5xx, or the answer could not be read. */
export class TransportError extends HhOAuthError {
  override name = 'TransportError';
}

/** The caller passed something that cannot work (bad option, invalid redirect_uri, …). */
export class ConfigurationError extends HhOAuthError {
  override name = 'ConfigurationError';
}

/** Cross-realm check: true for any `HhOAuthError`, even one from another copy of this package. */
export function isHhOAuthError(value: unknown): value is HhOAuthError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/** True when `value` is an `HhOAuthError` with the given code. */
export function hasErrorCode<C extends ErrorCode>(
  value: unknown,
  code: C,
): value is HhOAuthError & { code: C } {
  return isHhOAuthError(value) && value.code === code;
}
