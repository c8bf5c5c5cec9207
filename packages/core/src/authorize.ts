import { ConfigurationError } from './errors.js';

/** hh.ru's authorize page. m.hh.ru is retired. */
export const DEFAULT_AUTHORIZE_URL = 'https://hh.ru/oauth/authorize';

export interface AuthorizeUrlOptions {
  /** Defaults to {@link DEFAULT_AUTHORIZE_URL}; point it at the emulator in tests. */
  readonly authorizeUrl?: string;
  readonly clientId: string;
  /** Echoed back in the callback; use {@link createState}. */
  readonly state?: string;
  /**
   * Sent as is. If you send it here you must send the very same string to the token endpoint;
   * if you leave it out, hh.ru uses the saved one and the token request must not carry one.
   */
  readonly redirectUri?: string;
  /** Always show the login form, even to a signed-in user. */
  readonly forceLogin?: boolean;
  /** A signed-in user who already granted access is redirected at once, without the account chooser. */
  readonly skipChooseAccount?: boolean;
}

/**
 * Builds the URL that sends the user to hh.ru's authorize page.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1 RFC 6749 §4.1.1: authorization request
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: user authorization
 */
export function buildAuthorizeUrl(options: AuthorizeUrlOptions): string {
  const { clientId, state, redirectUri } = options;
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new ConfigurationError('invalid_argument', 'buildAuthorizeUrl: clientId is required');
  }
  let url: URL;
  try {
    url = new URL(options.authorizeUrl ?? DEFAULT_AUTHORIZE_URL);
  } catch (cause) {
    throw new ConfigurationError(
      'invalid_argument',
      'buildAuthorizeUrl: authorizeUrl is not a URL',
      {
        cause,
      },
    );
  }
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', clientId);
  if (state !== undefined) {
    if (state.length === 0) {
      throw new ConfigurationError(
        'invalid_argument',
        'buildAuthorizeUrl: state must not be empty',
      );
    }
    params.set('state', state);
  }
  if (redirectUri !== undefined) params.set('redirect_uri', redirectUri);
  if (options.forceLogin) params.set('force_login', 'true');
  if (options.skipChooseAccount) params.set('skip_choose_account', 'true');
  return url.href;
}

/**
 * A fresh `state` value: 256 bits from `crypto.getRandomValues`, base64url without padding.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 RFC 6749 §10.12: CSRF
 */
export function createState(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Compares two strings in time that depends only on their lengths, not on where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
