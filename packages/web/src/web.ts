/**
 * `createHhWeb`: "Sign in with hh.ru" as four Web-standard handlers over the client. The browser
 * holds two signed cookies, never a token: the `state` of the sign-in under way (10 minutes) and
 * the session id; the tokens stay in the client's store.
 */
import type { HhOAuth } from '@hh-oauth/client';
import type { Me } from '@hh-oauth/core';
import { CallbackError, type HhOAuthError, isHhOAuthError } from '@hh-oauth/core';
import {
  type CookieSettings,
  clearCookie,
  cookieName,
  readCookies,
  serializeCookie,
} from './cookies.js';
import {
  type HhWebOptions,
  type ResolvedOptions,
  resolveOptions,
  STATE_MAX_AGE_SECONDS,
} from './options.js';
import { crossSiteRefused, isSameOrigin } from './origin.js';
import { createSigner, type Signer } from './signer.js';

/** What an API call accepts besides the path (`managerAccountId`, `method`, `body`, …). */
export type ApiRequestInit = NonNullable<Parameters<HhOAuth['fetch']>[2]>;

/** The signed-in visitor: their session id and API calls on their behalf. */
export interface HhSession {
  readonly sessionId: string;
  /** A valid access token (refreshed when expired, never before, once across processes). */
  accessToken(): Promise<string>;
  /** An authorized API call; on `403 oauth/token_expired` refreshes and retries once. */
  fetch<T = unknown>(path: string, init?: ApiRequestInit): Promise<T>;
  /** `GET /me`. */
  me(init?: ApiRequestInit): Promise<Me>;
}

export interface HhWeb {
  /** Redirects to hh.ru with a fresh `state`, kept in a signed cookie of this browser. */
  signIn(request: Request): Promise<Response>;
  /** Completes the sign-in bound to this browser's `state` and sets the session cookie. */
  callback(request: Request): Promise<Response>;
  /** Same-origin POST only: revokes the token at hh.ru and clears the session cookie. */
  signOut(request: Request): Promise<Response>;
  /** The visitor's live session, or undefined (no cookie, a forged one, signed out, failed). */
  getSession(request: Request): Promise<HhSession | undefined>;
  /** The session id in a validly signed cookie, whatever the session's state (no store read). */
  sessionId(request: Request): Promise<string | undefined>;
  /** Answers the three paths (`paths`); undefined for any other request. */
  handle(request: Request): Promise<Response | undefined>;
  readonly paths: ResolvedOptions['paths'];
  readonly hh: HhOAuth;
}

const SESSION = 'hh-oauth/session';
const STATE = 'hh-oauth/state';

function redirect(location: string, status: 302 | 303, cookies: readonly string[] = []): Response {
  const headers = new Headers({ Location: location, 'Cache-Control': 'no-store' });
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  return new Response(null, { status, headers });
}

/** A copy of `response` with more `Set-Cookie` lines (an `onError` page keeps the cleared state). */
function withCookies(response: Response, cookies: readonly string[]): Response {
  if (cookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append('Set-Cookie', cookie);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Creates the handlers. Mount them at `paths` (or let `handle` dispatch), and register
 * `<origin><paths.callback>` as the redirect URI at dev.hh.ru and in `createHhOAuth`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1: the code grant
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7 RFC 9700 §4.7: CSRF, state bound to the browser
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 RFC 6749 §10.12
 */
export function createHhWeb(options: HhWebOptions): HhWeb {
  const o = resolveOptions(options);
  const signer: Signer = createSigner(options.secret);
  const { hh } = o;

  const originOf = (request: Request) => o.origin ?? new URL(request.url).origin;
  const settingsFor = (request: Request): CookieSettings => ({
    secure: o.secure ?? originOf(request).startsWith('https:'),
  });
  const sameOrigin = (request: Request) =>
    isSameOrigin(request, [originOf(request), ...o.trustedOrigins]);

  const signedCookie = async (request: Request, name: string, purpose: string) => {
    const raw = readCookies(request).get(cookieName(name, settingsFor(request)));
    return raw === undefined ? undefined : signer.verify(purpose, raw);
  };

  async function failure(error: HhOAuthError, request: Request, cookies: readonly string[]) {
    if (o.onError) return withCookies(await o.onError(error, request), cookies);
    const query = new URLSearchParams({ hh_error: error.code, hh_recovery: error.recovery });
    const sep = o.errorRedirect.includes('?') ? '&' : '?';
    return redirect(
      `${o.errorRedirect}${sep}${query}`,
      request.method === 'POST' ? 303 : 302,
      cookies,
    );
  }

  async function signIn(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { Allow: 'GET, POST' } });
    }
    if (request.method === 'POST' && !sameOrigin(request)) return crossSiteRefused();
    const start = await hh.startAuthorization(await o.authorizationOptions(request));
    const value = await signer.sign(STATE, start.state);
    const cookie = serializeCookie(
      o.cookieNames.state,
      value,
      STATE_MAX_AGE_SECONDS,
      settingsFor(request),
    );
    return redirect(start.url, request.method === 'POST' ? 303 : 302, [cookie]);
  }

  async function callback(request: Request): Promise<Response> {
    const settings = settingsFor(request);
    // The state cookie is good for one callback, whatever happens next.
    const cleared = [clearCookie(o.cookieNames.state, settings)];
    const expectedState = await signedCookie(request, o.cookieNames.state, STATE);
    const url = new URL(request.url);
    const publicUrl = o.origin === undefined ? url.href : `${o.origin}${url.pathname}${url.search}`;
    try {
      if (expectedState === undefined || expectedState === '') {
        throw new CallbackError(
          'state_missing',
          'this browser has no sign-in under way (no state cookie, or it expired after 10 minutes): start again',
        );
      }
      const { sessionId } = await hh.completeAuthorization(publicUrl, { expectedState });
      const value = await signer.sign(SESSION, sessionId);
      const session = serializeCookie(
        o.cookieNames.session,
        value,
        o.sessionMaxAgeSeconds,
        settings,
      );
      return redirect(o.afterSignIn, 302, [...cleared, session]);
    } catch (error) {
      if (!isHhOAuthError(error)) throw error;
      return failure(error, request, cleared);
    }
  }

  async function signOut(request: Request): Promise<Response> {
    if (request.method !== 'POST')
      return new Response(null, { status: 405, headers: { Allow: 'POST' } });
    if (!sameOrigin(request)) return crossSiteRefused();
    const settings = settingsFor(request);
    const sessionId = await signedCookie(request, o.cookieNames.session, SESSION);
    const cleared = [clearCookie(o.cookieNames.session, settings)];
    if (sessionId !== undefined) {
      try {
        await hh.revoke(sessionId);
      } catch (error) {
        if (!isHhOAuthError(error)) throw error;
        // hh.ru could not be reached and the pair is kept: keep the cookie, so that the user can
        // try again rather than leave a live token behind.
        return failure(error, request, error.recovery === 'retry_later' ? [] : cleared);
      }
    }
    return redirect(o.afterSignOut, 303, cleared);
  }

  async function getSession(request: Request): Promise<HhSession | undefined> {
    const sessionId = await signedCookie(request, o.cookieNames.session, SESSION);
    if (sessionId === undefined) return undefined;
    const record = await hh.session(sessionId);
    if (record?.status !== 'authorized') return undefined;
    return {
      sessionId,
      accessToken: () => hh.getAccessToken(sessionId),
      fetch: (path, init) => hh.fetch(sessionId, path, init),
      me: (init) => hh.me<Me>(sessionId, init),
    };
  }

  async function handle(request: Request): Promise<Response | undefined> {
    const { pathname } = new URL(request.url);
    if (pathname === o.paths.signIn) return signIn(request);
    if (pathname === o.paths.callback) return callback(request);
    if (pathname === o.paths.signOut) return signOut(request);
    return undefined;
  }

  const sessionId = (request: Request) => signedCookie(request, o.cookieNames.session, SESSION);

  return { signIn, callback, signOut, getSession, sessionId, handle, paths: o.paths, hh };
}
