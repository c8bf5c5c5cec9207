import {
  ConfigurationError,
  processTokenInvalidation,
  processTokenResponse,
  type TokenSet,
} from '@hh-oauth/core';
import { createApiCall } from './api-call.js';
import {
  type ApiRequestInit,
  type CallOptions,
  type HttpTransportOptions,
  resolveSettings,
} from './options.js';
import { createTokenEndpoint } from './token-endpoint.js';

/** The effects the core's machines name, over HTTP, plus authorized API calls. */
export interface HttpTransport {
  /** `grant_type=authorization_code`. Send `redirectUri` exactly when it went to `/oauth/authorize`. */
  exchangeCode(
    input: { code: string; redirectUri?: string | undefined },
    options?: CallOptions,
  ): Promise<TokenSet>;
  /** `grant_type=refresh_token`. Never retried: a refresh token works once. */
  refreshTokens(input: { refreshToken: string }, options?: CallOptions): Promise<TokenSet>;
  /** `grant_type=client_credentials`. Never retried: a second request within 5 minutes is refused. */
  requestAppToken(options?: CallOptions): Promise<TokenSet>;
  /** `DELETE /oauth/token`: invalidates the user's access and refresh tokens. */
  invalidateToken(input: { accessToken: string }, options?: CallOptions): Promise<void>;
  /** An authorized API call; the parsed JSON, or undefined for an empty answer. */
  api<T = unknown>(accessToken: string, path: string, init?: ApiRequestInit): Promise<T>;
}

/**
 * Creates the HTTP transport. It moves bytes; the core interprets them: each request resolves
 * into an answer (status, headers, body), and core's pure processors turn that into a token set,
 * a value or a typed error, with this transport's clock passed in as `now`.
 *
 * - Token grants and `DELETE /oauth/token` go through ky (`token-endpoint.ts`): never a redirect
 *   followed, never a retry once the request may have left.
 * - API calls go through `api-call.ts`, on fetch directly (see there for why).
 * - Every call settles by its deadline; every failure is an `HhOAuthError`; none carries a secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 RFC 6749 §4.1.3: access token request
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6: refreshing
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2 RFC 6749 §4.4.2: client credentials
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: bearer header
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: authorization
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const settings = resolveSettings(options);
  const endpoint = createTokenEndpoint(settings);
  const now = () => settings.clock.now();

  async function grant(
    what: string,
    form: Record<string, string>,
    call: CallOptions | undefined,
  ): Promise<TokenSet> {
    return processTokenResponse(await endpoint.grant(form, what, call), { now: now() });
  }

  /** RFC 6749 §2.3.1: the client's credentials go in the form body, never in a URL. */
  function credentials(what: string): { client_id: string; client_secret: string } {
    const { clientId, clientSecret } = settings;
    if (!clientId || !clientSecret) {
      throw new ConfigurationError('invalid_argument', `${what} needs clientId and clientSecret`);
    }
    return { client_id: clientId, client_secret: clientSecret };
  }

  return {
    async exchangeCode(input, call) {
      const form: Record<string, string> = {
        grant_type: 'authorization_code',
        ...credentials('exchangeCode'),
        code: input.code,
      };
      if (input.redirectUri !== undefined) form['redirect_uri'] = input.redirectUri;
      return grant('the authorization_code token request', form, call);
    },

    async refreshTokens(input, call) {
      const form = { grant_type: 'refresh_token', refresh_token: input.refreshToken };
      return grant('the refresh_token token request', form, call);
    },

    async requestAppToken(call) {
      const form = { grant_type: 'client_credentials', ...credentials('requestAppToken') };
      return grant('the client_credentials token request', form, call);
    },

    async invalidateToken({ accessToken }, call) {
      processTokenInvalidation(await endpoint.invalidate(accessToken, call), { now: now() });
    },

    api: createApiCall(settings),
  };
}
