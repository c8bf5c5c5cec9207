/**
 * The API's request rules: the User-Agent check and Bearer authentication.
 *
 * @see https://github.com/hhru/api/blob/master/docs/general.md#request-requirements hh.ru: User-Agent
 * @see https://github.com/hhru/api/blob/master/docs/errors.md hh.ru: errors
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: Bearer header
 */
import type { AppToken, User, UserToken } from './model.js';
import type { EmulatorState } from './state.js';

export interface ApiErrorBody {
  readonly errors: readonly { readonly type: string; readonly value?: string }[];
}

export const oauthError = (value: string): ApiErrorBody => ({
  errors: [{ type: 'oauth', value }],
});

/**
 * `HH-User-Agent` wins over `User-Agent` when both are sent; neither: `unset`; a listed value:
 * `blacklisted`. Returns the error body, or undefined when the request may go on.
 */
export function checkUserAgent(
  state: EmulatorState,
  hhUserAgent: string | undefined,
  userAgent: string | undefined,
): ApiErrorBody | undefined {
  const value = (hhUserAgent ?? userAgent)?.trim();
  if (value === undefined || value === '') {
    return { errors: [{ type: 'bad_user_agent', value: 'unset' }] };
  }
  return isBlacklisted(state.userAgentBlacklist, value)
    ? { errors: [{ type: 'bad_user_agent', value: 'blacklisted' }] }
    : undefined;
}

/** Entries match whole values, ignoring case; an entry ending with `*` matches a prefix. */
export function isBlacklisted(list: readonly string[], value: string): boolean {
  const lower = value.toLowerCase();
  return list.some((entry) => {
    const e = entry.toLowerCase();
    return e.endsWith('*') ? lower.startsWith(e.slice(0, -1)) : lower === e;
  });
}

export type Caller =
  | { readonly kind: 'user'; readonly token: UserToken; readonly user: User }
  | { readonly kind: 'app'; readonly token: AppToken };

/**
 * Reads `Authorization: Bearer …` and answers who is calling, or the oauth error to send
 * (`403 {"errors":[{"type":"oauth","value":…}]}`):
 * - unknown, malformed, superseded app token, or invalidated by `DELETE /oauth/token` → `bad_authorization`;
 * - its application was deleted → `application_not_found`;
 * - revoked, or the user changed the password since → `token_revoked`;
 * - past its expiry (even if refreshed since) → `token_expired`.
 */
export function authenticate(
  state: EmulatorState,
  authorization: string | undefined,
): Caller | ApiErrorBody {
  const match = /^Bearer ([A-Za-z0-9_-]+)$/i.exec(authorization?.trim() ?? '');
  const value = match?.[1];
  if (value === undefined) return oauthError('bad_authorization');
  const appToken = state.appTokens.get(value);
  if (appToken) {
    if (!state.apps.has(appToken.clientId)) return oauthError('application_not_found');
    if (state.currentAppToken.get(appToken.clientId) !== appToken) {
      return oauthError('bad_authorization');
    }
    return { kind: 'app', token: appToken };
  }
  const token = state.accessTokens.get(value);
  const user = token && state.users.get(token.userId);
  if (!token || !user) return oauthError('bad_authorization');
  if (!state.apps.has(token.clientId)) return oauthError('application_not_found');
  if (token.status === 'revoked' || token.passwordVersion !== user.passwordVersion) {
    return oauthError('token_revoked');
  }
  if (token.status === 'invalidated') return oauthError('bad_authorization');
  if (state.now() >= token.expiresAt) return oauthError('token_expired');
  return { kind: 'user', token, user };
}
