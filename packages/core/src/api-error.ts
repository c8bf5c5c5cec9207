import { ApiError, type ApiErrorEntry, type ErrorCode, TransportError } from './errors.js';
import { MAX_RESPONSE_CHARS, parseJsonObject } from './token-response.js';

const OAUTH_VALUES: Readonly<Record<string, ErrorCode>> = {
  bad_authorization: 'bad_authorization',
  token_expired: 'token_expired',
  token_revoked: 'token_revoked',
  application_not_found: 'application_not_found',
  user_auth_expected: 'user_auth_expected',
};

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  bad_authorization: 'the access token does not exist or is invalid',
  token_expired: 'the access token expired: refresh, then retry once',
  token_revoked: 'the user revoked the token',
  application_not_found: 'the application was deleted',
  user_auth_expected: 'this method needs a user token, not the application token',
  user_agent_missing: 'the request carried neither User-Agent nor HH-User-Agent',
  user_agent_blacklisted: 'hh.ru refuses this User-Agent',
};

/**
 * Reads an API error answer (`{"errors":[{"type","value"}]}`) into a typed error. Returns the
 * error rather than throwing it, so callers choose; never throws itself.
 *
 * The first entry hh.ru documents decides the code (`oauth/*` first, then `bad_user_agent/*`);
 * all entries are kept in `errors`.
 *
 * @see https://github.com/hhru/api/blob/master/docs/errors.md hh.ru: errors
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 RFC 6750 §3.1: bearer error codes
 */
export function parseApiError(status: number, bodyText: string): ApiError | TransportError {
  if (status >= 500) {
    return new TransportError('server_error', `the API answered ${status}`, { status });
  }
  const body =
    typeof bodyText === 'string' && bodyText.length <= MAX_RESPONSE_CHARS
      ? parseJsonObject(bodyText)
      : undefined;
  const errors: ApiErrorEntry[] = [];
  if (body && Array.isArray(body.errors)) {
    for (const entry of body.errors.slice(0, 32)) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { type, value } = entry as Record<string, unknown>;
      if (typeof type !== 'string') continue;
      errors.push(
        typeof value === 'string'
          ? { type: type.slice(0, 64), value: value.slice(0, 64) }
          : { type: type.slice(0, 64) },
      );
    }
  }
  const options = errors.length > 0 ? { status, errors } : { status };
  const code = codeFor(status, errors);
  const message =
    MESSAGES[code] ?? `the API answered ${status}${errors[0] ? ` (${errors[0].type})` : ''}`;
  return new ApiError(code, message, options);
}

function codeFor(status: number, errors: readonly ApiErrorEntry[]): ErrorCode {
  for (const { type, value } of errors) {
    if (type === 'oauth' && value !== undefined) {
      const code = OAUTH_VALUES[value];
      if (code) return code;
    }
  }
  for (const { type, value } of errors) {
    if (type === 'bad_user_agent') {
      return value === 'blacklisted' ? 'user_agent_blacklisted' : 'user_agent_missing';
    }
  }
  return status === 403 ? 'forbidden' : 'api_error';
}
