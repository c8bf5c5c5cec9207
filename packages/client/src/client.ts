import {
  APP_TOKEN_COOLDOWN_MS,
  type AppTokenRecord,
  accessTokenFor,
  appTokenMachine,
  buildAuthorizeUrl,
  CallbackError,
  ConfigurationError,
  createState,
  DEFAULT_AUTHORIZATION_TTL_MS,
  HhOAuthError,
  isHhOAuthError,
  MAX_USED_REFRESH_TOKENS,
  parseCallback,
  parseRedirectUri,
  type RequestAppTokenInput,
  type SessionEvent,
  type SessionRecord,
  sessionMachine,
  type TokenSet,
  timingSafeEqual,
  toAppTokenRecord,
  toRecord,
} from '@hh-oauth/core';
import { type ApiRequestInit, createHttpTransport, type HttpTransport } from '@hh-oauth/http';
import type { StoredEntry, TokenStore } from '@hh-oauth/storage';
import { type AnyActorRef, createActor, fromPromise, waitFor } from 'xstate';
import { DEFAULT_LOCK, type LockSettings, SingleFlight, underLock } from './lock.js';
import { type PendingRecord, RecordCodec } from './records.js';

export interface HhOAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Sent to `/oauth/authorize` (and then, byte for byte, to the token endpoint) unless
   * `startAuthorization` names another. Absent: none is sent and hh.ru uses the saved one.
   */
  readonly redirectUri?: string;
  /** `MyApp/1.0 (my-app-feedback@example.com)`; hh.ru refuses requests without one. */
  readonly userAgent: string;
  readonly store: TokenStore;
  /** A ready transport; otherwise one is created from the base URLs below. */
  readonly transport?: HttpTransport;
  /** Default `https://hh.ru` (the token endpoint and, unless `authorizeUrl` is set, the authorize page). */
  readonly oauthBaseUrl?: string;
  /** Default `https://api.hh.ru`. */
  readonly apiBaseUrl?: string;
  /** Default `${oauthBaseUrl}/oauth/authorize`. */
  readonly authorizeUrl?: string;
  /** The clock every decision uses (expiry, TTLs, cool-downs). Default `Date`. */
  readonly clock?: { now(): number };
  /** How long a started authorization waits for its callback. Default 10 minutes. */
  readonly authorizationTtlMs?: number;
  /** The cross-process refresh lock. Defaults: ttlMs 30 s, waitMs 35 s, pollMs 25 ms. */
  readonly lock?: Partial<LockSettings>;
  /** Prefix of every key this client writes. Default `hh-oauth:`. */
  readonly keyPrefix?: string;
}

export interface StartAuthorizationOptions {
  /** Re-authorize this session; a new id is made when absent. */
  readonly sessionId?: string;
  /** Overrides the client's `redirectUri` for this authorization. */
  readonly redirectUri?: string;
  readonly forceLogin?: boolean;
  readonly skipChooseAccount?: boolean;
}

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
  /** `GET /me`. */
  me<T = unknown>(sessionId: string, init?: ApiRequestInit): Promise<T>;
  /**
   * Refreshes now if hh.ru allows it: before expiry it is refused locally with `token_not_expired`
   * (hh.ru refuses too), so no refresh token is ever spent on a refusal.
   */
  refresh(sessionId: string): Promise<string>;
  /** The stored session record, for display. */
  session(sessionId: string): Promise<SessionRecord | undefined>;
  /** Invalidates the token at hh.ru (`DELETE /oauth/token`); the session is then signed out. */
  revoke(sessionId: string): Promise<void>;
  /** The application token, shared through the store; at most one request per 5 minutes. */
  getAppToken(): Promise<string>;
  /** An API call with the application token; asks for a new one once if hh.ru says it is bad. */
  appFetch<T = unknown>(path: string, init?: ApiRequestInit): Promise<T>;
  /** The stored application token record, for display. */
  appToken(): Promise<AppTokenRecord | undefined>;
  /**
   * Observes the machines' states as this process drives them, reported once the state they lead
   * to is stored (or the attempt failed), so a listener may read the store. Returns the
   * unsubscribe function.
   */
  onTransition(listener: (transition: Transition) => void): () => void;
}

const notSettled = new Set(['restore', 'exchanging', 'refreshing', 'revoking', 'requesting']);
const settled = (snapshot: { value: unknown }) => !notSettled.has(snapshot.value as string);

/** Strips the `[hh-oauth] ` prefix from a recorded message before a new error adds it again. */
const bare = (message: string) => message.replace(/^\[hh-oauth\] /, '');

/**
 * Creates the hh.ru OAuth runtime around a token store.
 *
 * Guarantees: a refresh token is sent at most once and never before expiry (unless the API said
 * `token_expired`); refresh is single-flight per session in this process and serialized across
 * processes by the store's lock, and the loser of a race (or an `already refreshed` answer) reloads
 * the winner's pair; a new pair is stored before anyone receives it; a failed call never deletes
 * or overwrites a stored token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14 RFC 9700 §4.14: refresh token protection
 */
export function createHhOAuth(options: HhOAuthOptions): HhOAuth {
  const { clientId, clientSecret, store } = options ?? ({} as HhOAuthOptions);
  if (typeof clientId !== 'string' || clientId === '') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: clientId is required');
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: clientSecret is required');
  }
  if (!store || typeof store.get !== 'function') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: store is required');
  }
  if (options.redirectUri !== undefined) checkRedirectUri(options.redirectUri);
  const oauthBaseUrl = options.oauthBaseUrl ?? 'https://hh.ru';
  const clock = options.clock ?? Date;
  const transport =
    options.transport ??
    createHttpTransport({
      oauthBaseUrl,
      apiBaseUrl: options.apiBaseUrl ?? 'https://api.hh.ru',
      userAgent: options.userAgent,
      clientId,
      clientSecret,
      clock,
    });
  const authorizeUrl =
    options.authorizeUrl ?? `${oauthBaseUrl.replace(/\/+$/, '')}/oauth/authorize`;
  const ttlMs = options.authorizationTtlMs ?? DEFAULT_AUTHORIZATION_TTL_MS;
  const lock: LockSettings = { ...DEFAULT_LOCK, ...options.lock };
  const prefix = options.keyPrefix ?? 'hh-oauth:';
  const sessionKey = (id: string) => `${prefix}session:${id}`;
  const pendingKey = (state: string) => `${prefix}pending:${state}`;
  const appKey = `${prefix}app:${clientId}`;

  const codec = new RecordCodec();
  const peek = store.peek?.bind(store);
  const flights = new SingleFlight<string>();
  const listeners = new Set<(t: Transition) => void>();

  /**
   * Stamps a token set with this client's clock: every decision (expiry, retry times) is made on
   * it, and an injected transport may run on another clock.
   */
  function stamped(tokens: TokenSet): TokenSet {
    const obtainedAt = clock.now();
    if (tokens.expiresAt === undefined) return { ...tokens, obtainedAt };
    return {
      ...tokens,
      obtainedAt,
      expiresAt: obtainedAt + (tokens.expiresAt - tokens.obtainedAt),
    };
  }

  /** The machines' effects, over the transport. Each remembers its error for the caller. */
  function sessionActors(
    failures: { last?: HhOAuthError },
    beforeRefresh?: (refreshToken: string) => Promise<void>,
  ) {
    const keep = (error: unknown) => {
      if (isHhOAuthError(error)) failures.last = error;
      throw error;
    };
    return sessionMachine.provide({
      actors: {
        exchangeCode: fromPromise(({ input }) => transport.exchangeCode(input).then(stamped, keep)),
        refreshTokens: fromPromise(async ({ input }) => {
          if (beforeRefresh) await beforeRefresh(input.refreshToken).catch(keep);
          return transport.refreshTokens(input).then(stamped, keep);
        }),
        invalidateToken: fromPromise(({ input }) => transport.invalidateToken(input).catch(keep)),
      },
    });
  }

  /**
   * Collects the states `actor` moves through into `into`; {@link report} hands them to the
   * listeners once the state they end in is stored, so a listener that reads the store on a
   * transition sees what the transition says.
   */
  function observe(actor: AnyActorRef, sessionId: string, into: Transition[]) {
    if (listeners.size === 0) return;
    actor.subscribe((snapshot: { value: unknown }) => {
      into.push({ sessionId, state: String(snapshot.value), at: clock.now() });
    });
  }

  function report(transitions: Transition[]) {
    for (const transition of transitions.splice(0)) {
      for (const listener of listeners) listener(transition);
    }
  }

  /** Runs the session machine from `record` through `events`; the settled snapshot and error. */
  async function drive(
    sessionId: string,
    record: SessionRecord | undefined,
    events: SessionEvent[],
    transitions: Transition[],
    beforeRefresh?: (refreshToken: string) => Promise<void>,
  ) {
    const failures: { last?: HhOAuthError } = {};
    const actor = createActor(sessionActors(failures, beforeRefresh), {
      input: record ? { record, authorizationTtlMs: ttlMs } : { authorizationTtlMs: ttlMs },
    });
    observe(actor, sessionId, transitions);
    actor.start();
    for (const event of events) {
      actor.send(event);
      await waitFor(actor, settled);
    }
    const snapshot = actor.getSnapshot();
    actor.stop();
    return { snapshot, record: toRecord(snapshot), error: failures.last };
  }

  /**
   * A compare-and-set write made while holding the lock: a store error is retried (twice, briefly)
   * because what is being written — a new pair, a spent marker — must not be lost to a blip.
   * Returns the new version, or undefined when another writer moved the version.
   */
  async function writeUnderLock(key: string, record: unknown, version: number) {
    const value = JSON.stringify(record);
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.set(key, value, { expectedVersion: version });
      } catch (error) {
        if (attempt >= 2) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
    }
  }

  async function loadSession(sessionId: string) {
    const key = sessionKey(sessionId);
    return codec.session(key, await store.get(key));
  }

  /** Why a session cannot hand out a token, as a typed error. */
  function unavailable(record: SessionRecord | undefined, reason: string): HhOAuthError {
    if (record?.error && (record.status === 'failed' || record.status === 'stale')) {
      return new HhOAuthError(record.error.code, bare(record.error.message), {
        recovery: 'reauthorize',
      });
    }
    const why =
      record === undefined
        ? 'there is no such session'
        : `the session is ${reason.replace('_', ' ')}`;
    return new HhOAuthError('not_authorized', `${why}: authorize again`);
  }

  /**
   * Refreshes under the store's lock. `trigger` is `token.request` (refresh if expired) or
   * `token.expired` (the API refused `usedToken` as expired: refresh even if our clock disagrees).
   */
  function refreshSession(
    sessionId: string,
    trigger: 'token.request' | 'token.expired',
    usedToken?: string,
  ): Promise<string> {
    const key = sessionKey(sessionId);
    const fresh = (record: SessionRecord | undefined, now: number): string | undefined => {
      const result = record ? accessTokenFor(record, now) : undefined;
      if (!result?.ok) return undefined;
      return trigger === 'token.expired' && result.accessToken === usedToken
        ? undefined
        : result.accessToken;
    };
    // Callers rejected with different tokens must not share a flight: each needs a token other
    // than the one it was refused.
    return flights.run(`${trigger}:${sessionId}:${usedToken ?? ''}`, () =>
      underLock(
        store,
        `${prefix}lock:session:${sessionId}`,
        lock,
        async () => {
          const loaded = await loadSession(sessionId);
          const { record } = loaded;
          const transitions: Transition[] = [];
          try {
            let { version } = loaded;
            const now = clock.now();
            const ready = fresh(record, now);
            if (ready !== undefined) return ready; // another process refreshed while we waited
            if (record === undefined || record.status !== 'authorized')
              throw unavailable(record, record?.status ?? 'missing');
            // The refresh token is marked spent in the store before it is sent: if this process dies
            // with the request in flight, the others reload instead of sending it a second time.
            const markSpent = async (refreshToken: string) => {
              const used = [...(record.usedRefreshTokens ?? []), refreshToken];
              const marked = { ...record, usedRefreshTokens: used.slice(-MAX_USED_REFRESH_TOKENS) };
              const written = await writeUnderLock(key, marked, version);
              if (written === undefined) {
                throw new HhOAuthError(
                  'timeout',
                  'the session changed before the refresh; try again',
                  {
                    sent: false,
                  },
                );
              }
              version = written;
            };
            const outcome = await drive(
              sessionId,
              record,
              [{ type: trigger, now }],
              transitions,
              markSpent,
            );
            const next = outcome.record;
            if (JSON.stringify(next) !== JSON.stringify(record)) {
              // Written before anyone sees the new pair; under the lock the version cannot move
              // unless the lock's TTL ran out, in which case the newer pair wins and we reload.
              const written = await writeUnderLock(key, next, version);
              if (written === undefined) {
                const reloaded = await loadSession(sessionId);
                const theirs = reloaded.record && accessTokenFor(reloaded.record, clock.now());
                if (theirs?.ok) return theirs.accessToken;
                throw new HhOAuthError(
                  'timeout',
                  'another process changed the session while refreshing; try again',
                );
              }
            }
            const result = accessTokenFor(next, now);
            if (result.ok) return result.accessToken;
            if (
              next.status === 'authorized' &&
              next.tokens &&
              next.retryAt !== undefined &&
              next.retryAt > now
            ) {
              // hh.ru said `token not expired`: the access token is still good by its clock.
              return next.tokens.accessToken;
            }
            if (next.status === 'stale') {
              // `already refreshed`: the winner's pair is in the store, or the session is lost.
              const reloaded = await loadSession(sessionId);
              const theirs = reloaded.record && accessTokenFor(reloaded.record, clock.now());
              if (theirs?.ok) return theirs.accessToken;
            }
            throw outcome.error ?? unavailable(next, next.status);
          } finally {
            report(transitions);
          }
        },
        async () => {
          const { record } = await loadSession(sessionId);
          const ready = fresh(record, clock.now());
          if (ready !== undefined) return ready;
          if (record === undefined || record.status === 'failed' || record.status === 'signedOut') {
            throw unavailable(record, record?.status ?? 'missing');
          }
          return undefined;
        },
      ),
    );
  }

  /** Exchanges the callback's code and stores the session it authorizes. */
  async function storeAuthorized(
    pending: PendingRecord,
    start: SessionEvent,
    callback: { state: string; code: string },
    transitions: Transition[],
  ): Promise<{ sessionId: string }> {
    const outcome = await drive(
      pending.sessionId,
      undefined,
      [start, { type: 'auth.callback', now: clock.now(), ...callback }],
      transitions,
    );
    if (outcome.record.status !== 'authorized') {
      throw outcome.error ?? unavailable(outcome.record, outcome.record.status);
    }
    // A re-authorized session replaces whatever pair it had: that pair is not lost, it is superseded.
    const key = sessionKey(pending.sessionId);
    for (let attempt = 0; ; attempt++) {
      const current = await store.get(key);
      const written = await store.set(key, JSON.stringify(outcome.record), {
        expectedVersion: current?.version ?? 0,
      });
      if (written !== undefined) break;
      if (attempt >= 4) {
        throw new HhOAuthError(
          'timeout',
          'the session kept changing while it was being stored; sign in again',
          {
            recovery: 'reauthorize',
          },
        );
      }
    }
    return { sessionId: pending.sessionId };
  }

  /** What a stored session yields: its access token, a refresh, or why there is none. */
  function tokenFrom(
    sessionId: string,
    key: string,
    entry: StoredEntry | undefined,
  ): string | Promise<string> {
    const record = codec.sessionRecord(key, entry);
    if (record === undefined) throw unavailable(undefined, 'missing');
    const result = accessTokenFor(record, clock.now());
    if (result.ok) return result.accessToken;
    if (result.reason === 'expired') return refreshSession(sessionId, 'token.request');
    throw unavailable(record, result.reason);
  }

  /**
   * The hot path: one store read (synchronous where the store can: `peek`), a cached decode, one
   * comparison; no async layers of its own.
   */
  function getAccessToken(sessionId: string): Promise<string> {
    const key = sessionKey(sessionId);
    if (peek !== undefined) {
      try {
        return Promise.resolve(tokenFrom(sessionId, key, peek(key)));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return store.get(key).then((entry) => tokenFrom(sessionId, key, entry));
  }

  async function apiFetch<T>(sessionId: string, path: string, init?: ApiRequestInit): Promise<T> {
    const token = await getAccessToken(sessionId);
    try {
      return await transport.api<T>(token, path, init);
    } catch (error) {
      if (!isHhOAuthError(error) || error.code !== 'token_expired') throw error;
      const next = await refreshSession(sessionId, 'token.expired', token);
      return transport.api<T>(next, path, init);
    }
  }

  // --- the application token -----------------------------------------------------------------

  const appLockKey = `${prefix}lock:app:${clientId}`;
  async function loadApp() {
    return codec.app(appKey, await store.get(appKey));
  }

  function appUnavailable(
    record: AppTokenRecord | undefined,
    reason: string,
    retryAt?: number,
  ): HhOAuthError {
    if (reason === 'cooling_down') {
      return new HhOAuthError(
        'app_token_too_early',
        'hh.ru issues a new application token at most once per 5 minutes',
        retryAt === undefined ? {} : { retryAt },
      );
    }
    if (record?.error) return new HhOAuthError(record.error.code, bare(record.error.message));
    return new HhOAuthError('not_authorized', `no application token (${reason})`);
  }

  function requestApp(invalid?: {
    token: string;
    code: 'bad_authorization' | 'token_revoked';
  }): Promise<string> {
    return flights.run(`app:${invalid?.token ?? ''}`, () =>
      underLock(
        store,
        appLockKey,
        lock,
        async () => {
          const { record, version } = await loadApp();
          const now = clock.now();
          const current = record ? accessTokenFor(record, now) : undefined;
          if (current?.ok && current.accessToken !== invalid?.token) return current.accessToken;
          const failures: { last?: HhOAuthError } = {};
          const machine = appTokenMachine.provide({
            actors: {
              requestAppToken: fromPromise<TokenSet, RequestAppTokenInput>(() =>
                transport.requestAppToken().then(stamped, (error) => {
                  if (isHhOAuthError(error)) failures.last = error;
                  throw error;
                }),
              ),
            },
          });
          const actor = createActor(machine, { input: record ? { record } : {} });
          const transitions: Transition[] = [];
          observe(actor, 'app', transitions);
          actor.start();
          // A failed record (bad client id or secret) is retried once the caller asks again: the
          // configuration may have been fixed. The 5-minute rule still applies.
          if (record?.status === 'failed') actor.send({ type: 'app.reset', now });
          actor.send(
            invalid
              ? { type: 'app.invalid', now, code: invalid.code }
              : { type: 'app.request', now },
          );
          await waitFor(actor, settled);
          const snapshot = actor.getSnapshot();
          actor.stop();
          const next = toAppTokenRecord(snapshot);
          try {
            if (JSON.stringify(next) !== JSON.stringify(record)) {
              if ((await writeUnderLock(appKey, next, version)) === undefined) {
                // Another process stored a token meanwhile (our lock ran out): prefer theirs.
                const theirs = (await loadApp()).record;
                const result = theirs && accessTokenFor(theirs, clock.now());
                if (result?.ok) return result.accessToken;
              }
            }
          } finally {
            report(transitions);
          }
          const result = accessTokenFor(next, now);
          if (result.ok) return result.accessToken;
          // A cool-down is reported with its retry time, whichever side (we or hh.ru) imposed it.
          if (result.reason === 'cooling_down')
            throw appUnavailable(next, result.reason, result.retryAt);
          throw failures.last ?? appUnavailable(next, result.reason);
        },
        async () => {
          const { record } = await loadApp();
          const result = record ? accessTokenFor(record, clock.now()) : undefined;
          return result?.ok && result.accessToken !== invalid?.token
            ? result.accessToken
            : undefined;
        },
      ),
    );
  }

  async function getAppToken(): Promise<string> {
    const { record } = await loadApp();
    if (record) {
      const result = accessTokenFor(record, clock.now());
      if (result.ok) return result.accessToken;
      if (
        result.reason === 'cooling_down' &&
        result.retryAt !== undefined &&
        result.retryAt > clock.now()
      ) {
        throw appUnavailable(record, result.reason, result.retryAt);
      }
      // Failed (e.g. a wrong secret): the recorded error until the 5-minute rule allows a new try.
      if (
        record.status === 'failed' &&
        (record.lastRequestAt ?? Number.NEGATIVE_INFINITY) + APP_TOKEN_COOLDOWN_MS > clock.now()
      ) {
        throw appUnavailable(record, 'failed');
      }
    }
    return requestApp();
  }

  return {
    async startAuthorization(start = {}) {
      const redirectUri = start.redirectUri ?? options.redirectUri;
      if (redirectUri !== undefined) checkRedirectUri(redirectUri);
      const state = createState();
      const sessionId = start.sessionId ?? createState();
      const pending: PendingRecord =
        redirectUri === undefined
          ? { v: 1, sessionId, state, createdAt: clock.now() }
          : { v: 1, sessionId, state, redirectUri, createdAt: clock.now() };
      await store.set(pendingKey(state), JSON.stringify(pending), { expectedVersion: 0, ttlMs });
      const url = buildAuthorizeUrl({
        authorizeUrl,
        clientId,
        state,
        ...(redirectUri === undefined ? {} : { redirectUri }),
        ...(start.forceLogin ? { forceLogin: true } : {}),
        ...(start.skipChooseAccount ? { skipChooseAccount: true } : {}),
      });
      return { url, state, sessionId };
    },

    async completeAuthorization(callbackUrl, bind) {
      const expectedState = bind?.expectedState;
      if (typeof expectedState !== 'string' || expectedState === '') {
        throw new ConfigurationError(
          'invalid_argument',
          'completeAuthorization needs { expectedState }: the state startAuthorization gave this browser',
        );
      }
      let url: URL;
      try {
        url = typeof callbackUrl === 'string' ? new URL(callbackUrl) : callbackUrl;
      } catch (cause) {
        throw new CallbackError('invalid_callback', 'the callback URL is not an absolute URL', {
          cause,
        });
      }
      const state = url.searchParams.get('state');
      if (state === null || state === '') {
        throw new CallbackError('state_missing', 'the callback carries no state');
      }
      // Bound to this browser first: a state from another browser consumes nothing.
      if (!timingSafeEqual(state, expectedState)) {
        throw new CallbackError(
          'state_mismatch',
          'the callback state is not the one this browser started',
        );
      }
      // Consumed before anything else: a callback is accepted once, whatever happens next.
      const stored = await store.take(pendingKey(state));
      if (stored === undefined) {
        throw new CallbackError(
          'state_mismatch',
          'no pending authorization has this state (unknown, used or expired)',
        );
      }
      const pending = JSON.parse(stored) as PendingRecord;
      const { code } = parseCallback(url, { expectedState: pending.state });
      const start: SessionEvent =
        pending.redirectUri === undefined
          ? { type: 'auth.start', now: pending.createdAt, state: pending.state }
          : {
              type: 'auth.start',
              now: pending.createdAt,
              state: pending.state,
              redirectUri: pending.redirectUri,
            };
      const transitions: Transition[] = [];
      try {
        return await storeAuthorized(pending, start, { state, code }, transitions);
      } finally {
        report(transitions);
      }
    },

    getAccessToken,

    fetch: apiFetch,

    me: (sessionId, init) => apiFetch(sessionId, '/me', init),

    async refresh(sessionId) {
      const { record } = await loadSession(sessionId);
      if (
        record?.status === 'authorized' &&
        record.tokens?.expiresAt !== undefined &&
        clock.now() < record.tokens.expiresAt
      ) {
        throw new HhOAuthError(
          'token_not_expired',
          'hh.ru refreshes only after the access token has expired',
          {
            retryAt: record.tokens.expiresAt,
          },
        );
      }
      return getAccessToken(sessionId);
    },

    async session(sessionId) {
      return (await loadSession(sessionId)).record;
    },

    async revoke(sessionId) {
      const key = sessionKey(sessionId);
      // hh.ru invalidates only a valid access token (an expired one gets 403 while its refresh
      // token lives on), so an expired pair is refreshed first. If that fails for good, the grant
      // is dead already and signing out locally is all there is to do.
      const { record: first } = await loadSession(sessionId);
      if (
        first &&
        accessTokenFor(first, clock.now()).ok === false &&
        first.status === 'authorized'
      ) {
        await getAccessToken(sessionId).catch((error: unknown) => {
          if (!isHhOAuthError(error) || error.recovery === 'retry_later') throw error;
        });
      }
      await underLock(
        store,
        `${prefix}lock:session:${sessionId}`,
        lock,
        async () => {
          const { record, version } = await loadSession(sessionId);
          if (record === undefined) return;
          const transitions: Transition[] = [];
          try {
            const outcome = await drive(
              sessionId,
              record,
              [{ type: 'session.revoke', now: clock.now() }],
              transitions,
            );
            // A transient failure (network, 5xx, timeout) leaves the token valid at hh.ru: keep the
            // pair so that signing out can be tried again, and say so.
            if (outcome.error?.recovery === 'retry_later') throw outcome.error;
            if ((await writeUnderLock(key, outcome.record, version)) === undefined) {
              throw new HhOAuthError('timeout', 'the session changed while signing out; try again');
            }
            codec.forget(key);
          } finally {
            report(transitions);
          }
        },
        async () => undefined,
      );
    },

    getAppToken,

    async appFetch<T>(path: string, init?: ApiRequestInit): Promise<T> {
      const token = await getAppToken();
      try {
        return await transport.api<T>(token, path, init);
      } catch (error) {
        if (
          !isHhOAuthError(error) ||
          (error.code !== 'bad_authorization' && error.code !== 'token_revoked')
        )
          throw error;
        const next = await requestApp({ token, code: error.code });
        return transport.api<T>(next, path, init);
      }
    },

    async appToken() {
      return (await loadApp()).record;
    },

    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function checkRedirectUri(redirectUri: string): void {
  const parsed = parseRedirectUri(redirectUri);
  if (!parsed.ok) {
    throw new ConfigurationError('invalid_redirect_uri', `redirectUri ${parsed.message}`);
  }
}
