/**
 * The token endpoint's rules: the three grants hh.ru supports and every documented error row.
 * Each grant checks and consumes synchronously, so of two concurrent requests with one refresh
 * token exactly one wins.
 *
 * @see docs/hh-protocol.md "Token endpoint errors"
 * @see https://api.hh.ru/openapi/en/redoc#section/Authorization hh.ru: authorization
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2: error response
 */
import { isWellFormed } from './ids.js';
import type { App, User } from './model.js';
import { APP_TOKEN_COOLDOWN_MS, type EmulatorState } from './state.js';

export interface TokenAnswer {
  readonly status: 200 | 400 | 403;
  readonly body: Readonly<Record<string, string | number>>;
}

const fail = (error: string, description: string, status: 400 | 403 = 400): TokenAnswer => ({
  status,
  body: { error, error_description: description },
});

export const INVALID_CLIENT = fail('invalid_client', 'client_id or client_secret not found');
export const UNSUPPORTED_GRANT = fail('unsupported_grant_type', 'unsupported grant_type');

/** What `invalid_client` says when the credentials came only in an `Authorization: Basic` header. */
export const BASIC_REFUSED = fail(
  'invalid_client',
  'client_id or client_secret not found: hh.ru takes client_id and client_secret in the form body, not in an Authorization: Basic header (the emulator accepts Basic with basicAuth: accept)',
);

/**
 * `Authorization: Basic` credentials (RFC 6749 §2.3.1: each part form-urlencoded, then base64),
 * or undefined when there are none or they cannot be read.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 RFC 6749 §2.3.1
 */
export function basicCredentials(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      return text;
    }
  };
  return { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) };
}

/**
 * The client credentials of a code or client-credentials request: the form's, or, when the form
 * has none, an `Authorization: Basic` header's if the policy accepts it. A Basic header alone
 * under the default policy is refused with an `error_description` that says why.
 */
function withClientCredentials(
  state: EmulatorState,
  form: URLSearchParams,
  authorization: string | undefined,
): URLSearchParams | TokenAnswer {
  if (form.has('client_id') || form.has('client_secret')) return form;
  const basic = basicCredentials(authorization);
  if (!basic) return form;
  if (state.basicAuth !== 'accept') return BASIC_REFUSED;
  const merged = new URLSearchParams(form);
  merged.set('client_id', basic.clientId);
  merged.set('client_secret', basic.clientSecret);
  return merged;
}

/**
 * Runs one token request (an `application/x-www-form-urlencoded` body, already parsed), with the
 * request's `Authorization` header for the Basic-auth policy.
 */
export function handleTokenRequest(
  state: EmulatorState,
  form: URLSearchParams,
  authorization?: string,
): TokenAnswer {
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') return refresh(state, form);
  if (grant !== 'authorization_code' && grant !== 'client_credentials') return UNSUPPORTED_GRANT;
  const credentialed = withClientCredentials(state, form, authorization);
  if (!(credentialed instanceof URLSearchParams)) return credentialed;
  switch (grant) {
    case 'authorization_code':
      return exchangeCode(state, credentialed);
    case 'client_credentials':
      return clientCredentials(state, credentialed);
    default:
      return UNSUPPORTED_GRANT;
  }
}

/**
 * Client authentication, by one documented rule:
 * - `client_id` absent, unknown, deleted or not approved, or the secret matches no application →
 *   `invalid_client` / `client_id or client_secret not found`;
 * - `client_id` and `client_secret` both exist but belong to two different applications (a
 *   wrong pair) → `invalid_request` / `account not found`.
 */
export function authenticateClient(state: EmulatorState, form: URLSearchParams): App | TokenAnswer {
  const clientId = form.get('client_id') ?? '';
  const secret = form.get('client_secret') ?? '';
  // An application not approved (yet) has no usable credentials, as on hh.ru.
  const app = clientId === '' ? undefined : state.approvedApp(clientId);
  if (!app) return INVALID_CLIENT;
  if (secret !== '' && secret === app.clientSecret) return app;
  for (const other of state.apps.values()) {
    if (other !== app && secret !== '' && other.clientSecret === secret) {
      return fail('invalid_request', 'account not found');
    }
  }
  return INVALID_CLIENT;
}

/** The user-account rows shared by the code and refresh grants. */
function accountProblem(user: User): TokenAnswer | undefined {
  if (user.locked) return fail('invalid_request', 'account is locked');
  if (user.passwordInvalidated) return fail('invalid_request', 'password invalidated');
  if (!user.verified) return fail('invalid_request', 'login not verified');
  if (user.loginNotAllowed) return fail('invalid_request', 'login not allowed');
  return undefined;
}

function userAnswer(
  token: {
    accessToken: string;
    refreshToken: string;
    expiresAt: number;
  },
  now: number,
): TokenAnswer {
  return {
    status: 200,
    body: {
      access_token: token.accessToken,
      token_type: 'bearer',
      expires_in: Math.round((token.expiresAt - now) / 1000),
      refresh_token: token.refreshToken,
    },
  };
}

/**
 * `grant_type=authorization_code`. The code is single-use and short-lived; `redirect_uri` must be
 * the very string sent to `/oauth/authorize`, or absent when none was sent there. A failed
 * request does not consume the code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 RFC 6749 §4.1.3
 */
export function exchangeCode(state: EmulatorState, form: URLSearchParams): TokenAnswer {
  const app = authenticateClient(state, form);
  if (!('clientId' in app)) return app;
  const code = state.codes.get(form.get('code') ?? '');
  if (!code || code.clientId !== app.clientId) return fail('invalid_request', 'code not found');
  const user = state.users.get(code.userId);
  if (!user) return fail('invalid_request', 'code not found');
  if (code.revoked || code.passwordVersion !== user.passwordVersion) {
    return fail('invalid_grant', 'code was revoke');
  }
  if (code.used) return fail('invalid_grant', 'code has already been used');
  const now = state.now();
  if (now >= code.expiresAt) return fail('invalid_grant', 'code expired');
  const problem = accountProblem(user);
  if (problem) return problem;
  const sent = form.get('redirect_uri');
  if (code.redirectUri === undefined ? sent !== null : sent !== code.redirectUri) {
    return fail('invalid_request', 'bad redirect url');
  }
  code.used = true;
  return userAnswer(state.issueUserToken(app.clientId, user.id, user.passwordVersion), now);
}

/**
 * `grant_type=refresh_token`. A refresh token works once, and only after its access token has
 * expired. Client credentials are not required (hh.ru's guide sends none) and are ignored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6
 */
export function refresh(state: EmulatorState, form: URLSearchParams): TokenAnswer {
  const value = form.get('refresh_token') ?? '';
  if (value === '') return fail('invalid_request', 'token is empty');
  if (!isWellFormed('refresh', value)) return fail('invalid_grant', 'bad token');
  const token = state.refreshTokens.get(value);
  if (!token) return fail('invalid_request', 'token not found');
  if (!state.approvedApp(token.clientId)) return INVALID_CLIENT;
  if (token.status === 'refreshed')
    return fail('invalid_grant', 'token has already been refreshed');
  if (token.status !== 'active') return fail('invalid_grant', 'token was revoked');
  const user = state.users.get(token.userId);
  if (!user) return fail('invalid_request', 'token not found');
  if (token.passwordVersion !== user.passwordVersion) {
    return fail('invalid_grant', 'token deactivated');
  }
  const problem = accountProblem(user);
  if (problem) return problem;
  const now = state.now();
  if (now < token.expiresAt) return fail('invalid_grant', 'token not expired');
  token.status = 'refreshed';
  return userAnswer(state.issueUserToken(token.clientId, user.id, user.passwordVersion), now);
}

/**
 * `grant_type=client_credentials`: an application token without expiry. A new one deactivates the
 * previous one; asking again within 5 minutes is refused with 403.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 RFC 6749 §4.4
 */
export function clientCredentials(state: EmulatorState, form: URLSearchParams): TokenAnswer {
  const app = authenticateClient(state, form);
  if (!('clientId' in app)) return app;
  const now = state.now();
  const current = state.currentAppToken.get(app.clientId);
  if (current && now - current.issuedAt < APP_TOKEN_COOLDOWN_MS) {
    return fail('forbidden', 'app token refresh too early', 403);
  }
  const token = state.issueAppToken(app.clientId);
  return { status: 200, body: { access_token: token.value, token_type: 'bearer' } };
}
