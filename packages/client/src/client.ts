/**
 * `createHhOAuth`: the wiring. Options are resolved in `options.ts`; sessions, sign-in and the
 * application token each live in their own module and share one {@link Runtime}.
 */
import type { AppTokenRecord, Me, SessionRecord } from '@hh-oauth/core';
import { type ApiRequestInit, createHttpTransport } from '@hh-oauth/http';
import { createAppToken } from './app-token.js';
import { createAuthorization, type StartAuthorizationOptions } from './authorization.js';
import { EventHub, type HhOAuthEvent } from './events.js';
import { keysFor } from './keys.js';
import { DEFAULT_LOCK } from './lock.js';
import { checkRedirectUri, type HhOAuthOptions, resolveOptions } from './options.js';
import { RecordCodec } from './records.js';
import type { Runtime } from './runtime.js';
import { createSessions } from './sessions.js';
import { StoreOps } from './store-ops.js';

export interface Transition {
  readonly sessionId: string;
  /** A `sessionMachine` state, or for the app token (`sessionId` = `app`) an `appTokenMachine` one. */
  readonly state: string;
  readonly at: number;
}

/** The runtime: one call per user action. */
export interface HhOAuth {
  /** A URL to send the user to, with a fresh `state` stored for the callback (once, with a TTL). */
  startAuthorization(
    options?: StartAuthorizationOptions,
  ): Promise<{ url: string; state: string; sessionId: string }>;
  /**
   * Consumes the pending authorization named by the callback's `state` and exchanges the code.
   * `expectedState` is the `state` that `startAuthorization` returned to THIS browser (keep it in
   * its cookie): it binds the callback to the user agent that started the sign-in, so that a
   * callback link made by someone else cannot sign this user in (RFC 6749 §10.12).
   */
  completeAuthorization(
    callbackUrl: string | URL,
    options: { readonly expectedState: string },
  ): Promise<{ sessionId: string }>;
  /** A valid access token: refreshed when expired (never before), once across all processes. */
  getAccessToken(sessionId: string): Promise<string>;
  /** An authorized API call; on `403 oauth/token_expired` refreshes and retries once. */
  fetch<T = unknown>(sessionId: string, path: string, init?: ApiRequestInit): Promise<T>;
  /** `GET /me`, typed as hh.ru documents it (`Me`: an applicant, an employer, an application; not checked at run time). */
  me<T = Me>(sessionId: string, init?: ApiRequestInit): Promise<T>;
  /**
   * Refreshes now if hh.ru allows it: before expiry it is refused locally with `token_not_expired`
   * (hh.ru refuses too), so no refresh token is ever spent on a refusal.
   */
  refresh(sessionId: string): Promise<string>;
  /** The session record, for display (a pair held in memory while the store is down included). */
  session(sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Invalidates the token at hh.ru (`DELETE /oauth/token`; an expired pair is refreshed first) and
   * signs the session out. When hh.ru answers 5xx or cannot be reached before sending, the pair is
   * kept and the call rejects with `retry_later`, so that it can be tried again.
   */
  revoke(sessionId: string): Promise<void>;
  /**
   * Removes the session's record from the store, under its lock, and forgets it in this
   * process; resolves to whether there was one. hh.ru is not told: `revoke` first when its tokens
   * must stop working. (Signed-out and failed sessions also expire on their own, after
   * `endedSessionTtlMs`.)
   */
  deleteSession(sessionId: string): Promise<boolean>;
  /** The application token, shared through the store; at most one request per 5 minutes. */
  getAppToken(): Promise<string>;
  /** An API call with the application token; asks for a new one once if hh.ru says it is bad. */
  appFetch<T = unknown>(path: string, init?: ApiRequestInit): Promise<T>;
  /** The stored application token record, for display. */
  appToken(): Promise<AppTokenRecord | undefined>;
  /**
   * Everything the runtime reports (transitions with their cause, request and lock-wait times,
   * store retries, held pairs, listener failures); secrets never. A listener that throws is
   * isolated and reported to the others as `listener.error`. Returns the unsubscribe function.
   */
  onEvent(listener: (event: HhOAuthEvent) => void): () => void;
  /**
   * The machines' states as this process drives them (a view of `onEvent`'s transitions). A
   * state after a request is entered only once its record is stored. Returns the unsubscribe
   * function.
   */
  onTransition(listener: (transition: Transition) => void): () => void;
}

/**
 * Creates the hh.ru OAuth runtime around a token store.
 *
 * Guarantees: a refresh token is sent at most once and never before expiry (unless the API said
 * `token_expired`), and only after it is marked spent in the store; refresh is single-flight per
 * session in this process and serialized across processes by the store's lock, which its holder
 * renews while it works; a pair hh.ru issued is stored before anyone receives it, and if the store
 * cannot take it, it is kept and written again, never dropped; a failed call never deletes or
 * overwrites a stored token; every call but the hot path settles within `timeoutMs`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14 RFC 9700 §4.14: refresh token protection
 */
export function createHhOAuth(options: HhOAuthOptions): HhOAuth {
  const resolved = resolveOptions(options, DEFAULT_LOCK);
  const { clientId, clientSecret, store, clock } = resolved;
  const transport =
    options.transport ??
    createHttpTransport({
      oauthBaseUrl: resolved.oauthBaseUrl,
      apiBaseUrl: resolved.apiBaseUrl,
      userAgent: options.userAgent,
      clientId,
      clientSecret,
      clock,
    });
  const codec = new RecordCodec();
  const events = new EventHub(() => clock.now());
  const rt: Runtime = {
    clientId,
    store,
    transport,
    clock,
    keys: keysFor(resolved.keyPrefix, clientId),
    lock: resolved.lock,
    ops: new StoreOps(store, codec, events, resolved.endedSessionTtlMs),
    codec,
    events,
    authorizationTtlMs: resolved.authorizationTtlMs,
    timeoutMs: resolved.timeoutMs,
  };
  const sessions = createSessions(rt);
  const authorization = createAuthorization(rt, sessions, {
    authorizeUrl: resolved.authorizeUrl,
    redirectUri: options.redirectUri,
    checkRedirectUri,
  });
  const app = createAppToken(rt);

  return {
    startAuthorization: authorization.start,
    completeAuthorization: authorization.complete,
    getAccessToken: sessions.getAccessToken,
    fetch: sessions.fetch,
    me: (sessionId, init) => sessions.fetch(sessionId, '/me', init),
    refresh: sessions.refresh,
    session: sessions.session,
    revoke: sessions.revoke,
    deleteSession: sessions.deleteSession,
    getAppToken: app.getAppToken,
    appFetch: app.appFetch,
    appToken: app.appToken,
    onEvent: (listener) => events.on(listener),
    onTransition: (listener) =>
      events.on((event) => {
        if (event.type === 'transition') {
          listener({ sessionId: event.sessionId, state: event.state, at: event.at });
        }
      }),
  };
}
