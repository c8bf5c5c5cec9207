import { assign, fromPromise, setup } from 'xstate';
import { timingSafeEqual } from '../authorize.js';
import { ERROR_CODES, type ErrorCode, type HhOAuthError } from '../errors.js';
import type { TokenSet } from '../types.js';
import { MAX_USED_REFRESH_TOKENS } from './constants.js';
import { errorKind, isTime, notProvided, recorded, toHhOAuthError } from './internal.js';
import { toRecord } from './record.js';
import type {
  ExchangeCodeInput,
  InvalidateTokenInput,
  PendingAuthorization,
  RecordedError,
  RefreshTokensInput,
  SaveSessionInput,
  SessionRecord,
  StableSessionStatus,
} from './types.js';

/** How long a pending authorization waits for its callback unless configured: 10 minutes. */
export const DEFAULT_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;
/** After `token not expired` with an access token we already think expired: retry this much later. */
export const DEFAULT_RETRY_DELAY_MS = 30 * 1000;
export { MAX_USED_REFRESH_TOKENS } from './constants.js';

/**
 * The events of {@link sessionMachine}. Every event carries `now` (ms since the epoch by the
 * caller's clock); the machine never reads a clock itself.
 *
 * | event | sent when | accepted in |
 * | --- | --- | --- |
 * | `auth.start` `{ now, state, redirectUri? }` | the user is sent to `/oauth/authorize` with this `state` (fresh each time: `createState()`; the state is what ties a code to its redirect_uri) and, if any, this exact `redirect_uri` | idle, authorizing (replaces the pending one), signedOut, failed, stale |
 * | `auth.callback` `{ now, state?, code?, error?, errorDescription? }` | the browser came back to the redirect_uri (parsed query) | authorizing; elsewhere refused (recorded as `state_mismatch`) |
 * | `token.request` `{ now }` | a token is needed; refreshes only if expired by `now` | authorized |
 * | `token.expired` `{ now }` | the API answered `403 oauth/token_expired`: refresh even if `now` says otherwise | authorized |
 * | `token.rejected` `{ now, code }` | the API refused the token (`bad_authorization`, `token_revoked`, `application_not_found`, …) | authorized |
 * | `session.revoke` `{ now }` | the user signs out (`DELETE /oauth/token` if there is a token) | every state; deferred while a request is in flight |
 */
export type SessionEvent =
  | {
      readonly type: 'auth.start';
      readonly now: number;
      readonly state: string;
      readonly redirectUri?: string;
    }
  | {
      readonly type: 'auth.callback';
      readonly now: number;
      readonly state?: string;
      readonly code?: string;
      readonly error?: string;
      readonly errorDescription?: string;
    }
  | { readonly type: 'token.request'; readonly now: number }
  | { readonly type: 'token.expired'; readonly now: number }
  | { readonly type: 'token.rejected'; readonly now: number; readonly code: ErrorCode }
  | { readonly type: 'session.revoke'; readonly now: number };

/** The input of {@link sessionMachine}: where to start (a stored record) and two settings. */
export interface SessionInput {
  /** Start in the state this record describes (use {@link fromRecord} to read untrusted JSON). */
  readonly record?: SessionRecord;
  /** How long `auth.start` waits for its callback (default 10 minutes). */
  readonly authorizationTtlMs?: number;
  /** The retry delay after `token not expired` (default 30 s). */
  readonly retryDelayMs?: number;
}

/** The context of {@link sessionMachine}. Read it through {@link toRecord} and {@link accessTokenFor}. */
export interface SessionContext {
  readonly tokens: TokenSet | undefined;
  readonly pending: PendingAuthorization | undefined;
  /** Refresh tokens sent to hh.ru, newest last: none is ever sent twice. */
  readonly usedRefreshTokens: readonly string[];
  readonly error: RecordedError | undefined;
  readonly retryAt: number | undefined;
  /** The code being exchanged (in memory only, never stored). */
  readonly code: string | undefined;
  /** `now` of the event that started the request in flight. */
  readonly startedAt: number | undefined;
  /** `session.revoke` arrived while a request was in flight (or needs a refresh first). */
  readonly revokeRequested: boolean;
  /** The stable state `storing` leads to once `saveRecord` is done. */
  readonly settleTo: StableSessionStatus | undefined;
  /**
   * The last `saveRecord` failed: this state lives only in the actor (and in the caller's memory,
   * which keeps a received pair and writes it again); the store holds an older record.
   */
  readonly unsaved: boolean;
  readonly restoreTo: StableSessionStatus;
  readonly authorizationTtlMs: number;
  readonly retryDelayMs: number;
}

type ErrorEvent = { readonly error: unknown };
const errorOf = (event: unknown): HhOAuthError => toHhOAuthError((event as ErrorEvent).error);
const kindOf = (event: unknown) => errorKind(errorOf(event));
/** `retry_later` errors, `app token refresh too early` included (it cannot reach a session). */
const isTransient = (event: unknown) => {
  const kind = kindOf(event);
  return kind === 'transient' || kind === 'too_early' || kind === 'not_sent';
};

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function initialContext(input: SessionInput | undefined): SessionContext {
  const record = input?.record;
  return {
    tokens: record?.tokens,
    pending: record?.pending,
    usedRefreshTokens: record?.usedRefreshTokens ?? [],
    error: record?.error,
    retryAt: record?.retryAt,
    code: undefined,
    startedAt: undefined,
    revokeRequested: false,
    settleTo: undefined,
    unsaved: false,
    restoreTo: record?.status ?? 'idle',
    authorizationTtlMs: positive(input?.authorizationTtlMs, DEFAULT_AUTHORIZATION_TTL_MS),
    retryDelayMs: positive(input?.retryDelayMs, DEFAULT_RETRY_DELAY_MS),
  };
}

const refreshTokenOf = (context: SessionContext) => context.tokens?.refreshToken;
const isSpent = (context: SessionContext) => {
  const token = refreshTokenOf(context);
  return token !== undefined && context.usedRefreshTokens.includes(token);
};
const isExpiredAt = (context: SessionContext, now: number) => {
  const expiresAt = context.tokens?.expiresAt;
  return expiresAt !== undefined && now >= expiresAt;
};

/** The fields cleared whenever a session leaves a request or an authorization behind. */
const SETTLED = { code: undefined, startedAt: undefined, revokeRequested: false } as const;

/** Through `storing` to `status`: the record that state describes is saved first. */
const settle = (status: StableSessionStatus) => ({ settleTo: status });

const fatal = (error: RecordedError) => ({
  ...SETTLED,
  tokens: undefined,
  pending: undefined,
  retryAt: undefined,
  error,
});

/**
 * One signed-in user's OAuth lifecycle (RFC 6749 §4.1 authorization code grant, §6 refresh, hh.ru
 * token invalidation), as a pure xstate v5 machine: no clock, no I/O, no timers. Events carry
 * `now` (see {@link SessionEvent}); the three effects are named actors the caller provides:
 *
 * | actor | input | output | runs in |
 * | --- | --- | --- | --- |
 * | `exchangeCode` | {@link ExchangeCodeInput} | `TokenSet` | exchanging |
 * | `refreshTokens` | {@link RefreshTokensInput} | `TokenSet` | refreshing |
 * | `invalidateToken` | {@link InvalidateTokenInput} | `void` | revoking |
 *
 * Actors reject with an `HhOAuthError`; any other rejection counts as a transient `network_error`.
 * What the machine guarantees (each a property test):
 * - a callback is accepted only with the pending `state` (constant-time), once, before its TTL;
 * - `redirectUri` reaches `exchangeCode` exactly when `auth.start` had one, byte for byte;
 * - no refresh before `expiresAt` by the event's clock unless the event is `token.expired`;
 * - a refresh token is sent at most once — except after hh.ru answered `token not expired` for
 *   it, which proves it was not consumed (the pair is kept, `retryAt` set);
 * - `token has already been refreshed` ends in `stale` (reload the stored pair), not `failed`;
 * - errors whose recovery is `reauthorize`, `fix_configuration` or `none` end in `failed` with
 *   the code; transient ones (`retry_later`) go back to the last stable state with the error
 *   recorded, and nothing is retried without a new event. A refresh that failed transiently
 *   leaves its refresh token spent (hh.ru may have consumed it): the next refresh attempt ends in
 *   `stale`, so the caller reloads the store rather than risk a second send;
 * - once `signedOut`, no token is held. `revoking` always ends in `signedOut`: the token is
 *   dropped locally whatever hh.ru answered (a `403` means it was dead already); a failed
 *   invalidation is kept in `error`.
 *
 * Start it from a stored record with `input: fromRecord(json)`; see the package README.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.2.2 RFC 9700 §2.2.2: refresh token replay
 */
export const sessionMachine = setup({
  types: {} as {
    context: SessionContext;
    events: SessionEvent;
    input: SessionInput | undefined;
  },
  actors: {
    exchangeCode: fromPromise<TokenSet, ExchangeCodeInput>(async () => {
      throw notProvided('sessionMachine', 'exchangeCode');
    }),
    refreshTokens: fromPromise<TokenSet, RefreshTokensInput>(async () => {
      throw notProvided('sessionMachine', 'refreshTokens');
    }),
    invalidateToken: fromPromise<void, InvalidateTokenInput>(async () => {
      throw notProvided('sessionMachine', 'invalidateToken');
    }),
    // Without a store there is nothing to persist: the default saves nothing and succeeds.
    saveRecord: fromPromise<void, SaveSessionInput>(async () => {}),
  },
  guards: {
    restoresTo: ({ context }, params: { status: StableSessionStatus }) =>
      context.restoreTo === params.status,
    validStart: ({ event }) =>
      event.type === 'auth.start' &&
      isTime(event.now) &&
      typeof event.state === 'string' &&
      event.state.length > 0 &&
      (event.redirectUri === undefined || typeof event.redirectUri === 'string'),
    callbackStateMismatch: ({ context, event }) =>
      event.type === 'auth.callback' &&
      (typeof event.state !== 'string' ||
        context.pending === undefined ||
        !timingSafeEqual(event.state, context.pending.state)),
    callbackExpired: ({ context, event }) =>
      event.type === 'auth.callback' &&
      (!isTime(event.now) ||
        context.pending === undefined ||
        event.now >= context.pending.expiresAt),
    callbackHasError: ({ event }) =>
      event.type === 'auth.callback' && typeof event.error === 'string',
    callbackHasCode: ({ event }) =>
      event.type === 'auth.callback' && typeof event.code === 'string' && event.code.length > 0,
    refreshDue: ({ context, event }) =>
      'now' in event &&
      isExpiredAt(context, event.now) &&
      refreshTokenOf(context) !== undefined &&
      !isSpent(context) &&
      (context.retryAt === undefined || event.now >= context.retryAt),
    expiredAndSpent: ({ context, event }) =>
      'now' in event && isExpiredAt(context, event.now) && isSpent(context),
    expiredWithoutRefreshToken: ({ context, event }) =>
      'now' in event && isExpiredAt(context, event.now) && refreshTokenOf(context) === undefined,
    canRefresh: ({ context }) => refreshTokenOf(context) !== undefined && !isSpent(context),
    refreshTokenSpent: ({ context }) => isSpent(context),
    rejectedForGood: ({ event }) =>
      event.type === 'token.rejected' &&
      Object.hasOwn(ERROR_CODES, event.code) &&
      event.code !== 'token_expired',
    revokeRequested: ({ context }) => context.revokeRequested,
    settlesTo: ({ context }, params: { status: StableSessionStatus }) =>
      context.settleTo === params.status,
    revokeAfterStoring: ({ context }) =>
      context.revokeRequested && context.settleTo === 'authorized',
    /** hh.ru answered the invalidation with a failure, or it never left: the token lives on. */
    revokeNotDone: ({ event }) => {
      const error = errorOf(event);
      return error.code === 'server_error' || errorKind(error) === 'not_sent';
    },
    transientError: ({ event }) => isTransient(event),
    tokenNotExpired: ({ event }) => kindOf(event) === 'not_expired',
    requestNotSent: ({ event }) => kindOf(event) === 'not_sent',
    refreshTokenReused: ({ event }) => kindOf(event) === 'reload',
  },
  actions: {
    startAuthorization: assign(({ context, event }) => {
      if (event.type !== 'auth.start') return {};
      const pending: PendingAuthorization =
        event.redirectUri === undefined
          ? { state: event.state, expiresAt: event.now + context.authorizationTtlMs }
          : {
              state: event.state,
              redirectUri: event.redirectUri,
              expiresAt: event.now + context.authorizationTtlMs,
            };
      return { ...SETTLED, tokens: undefined, pending, error: undefined, retryAt: undefined };
    }),
    rejectStart: assign({
      error: { code: 'invalid_argument', message: '[hh-oauth] auth.start needs now and a state' },
    }),
    rejectCallback: assign(({ event }) => ({
      error:
        event.type === 'auth.callback' && typeof event.state !== 'string'
          ? { code: 'state_missing' as const, message: '[hh-oauth] the callback carries no state' }
          : {
              code: 'state_mismatch' as const,
              message: '[hh-oauth] the callback state does not match a pending authorization',
            },
    })),
    failCallbackExpired: assign(() =>
      fatal({
        code: 'invalid_callback',
        message: '[hh-oauth] the authorization expired before its callback came back',
      }),
    ),
    failCallbackError: assign(({ event }) => {
      const denied = event.type === 'auth.callback' && event.error === 'access_denied';
      return fatal(
        denied
          ? { code: 'access_denied', message: '[hh-oauth] the user denied access' }
          : { code: 'authorization_error', message: '[hh-oauth] hh.ru refused the authorization' },
      );
    }),
    failCallbackInvalid: assign(() =>
      fatal({ code: 'invalid_callback', message: '[hh-oauth] the callback carries no code' }),
    ),
    acceptCallback: assign(({ event }) =>
      event.type === 'auth.callback'
        ? { code: event.code, startedAt: event.now, error: undefined }
        : {},
    ),
    startRefresh: assign(({ context, event }) => {
      const token = refreshTokenOf(context);
      if (token === undefined) return {};
      const used = [...context.usedRefreshTokens, token].slice(-MAX_USED_REFRESH_TOKENS);
      return { usedRefreshTokens: used, startedAt: 'now' in event ? event.now : undefined };
    }),
    becomeStale: assign({
      error: {
        code: 'refresh_token_reused',
        message: '[hh-oauth] this refresh token was already sent: reload the stored pair',
      },
    }),
    failNoRefreshToken: assign(() =>
      fatal({
        code: 'not_authorized',
        message: '[hh-oauth] the access token expired and there is no refresh token',
      }),
    ),
    failRejected: assign(({ event }) =>
      event.type === 'token.rejected'
        ? fatal({
            code: event.code,
            message: `[hh-oauth] the API refused the token (${event.code})`,
          })
        : {},
    ),
    requestRevoke: assign({ revokeRequested: true }),
    signOut: assign({
      ...SETTLED,
      tokens: undefined,
      pending: undefined,
      retryAt: undefined,
      error: undefined,
    }),
    startRevoke: assign(({ context, event }) => ({
      startedAt: 'now' in event ? event.now : context.startedAt,
      revokeRequested: false,
    })),
    /** The spent marker could not be stored: nothing was sent, so nothing is spent. */
    unspend: assign(({ context, event }) => {
      const token = refreshTokenOf(context);
      return {
        ...SETTLED,
        usedRefreshTokens: context.usedRefreshTokens.filter((t) => t !== token),
        error: recorded(errorOf(event)),
      };
    }),
    /** A request failed: its error is recorded, the pair kept; then `storing` to `settleTo`. */
    keepWithError: assign(({ event }, params: { settleTo: StableSessionStatus }) => ({
      ...SETTLED,
      error: recorded(errorOf(event)),
      ...settle(params.settleTo),
    })),
    /** A request failed for good: the pair is dropped, the error kept; then `storing`. */
    dropWithError: assign(({ event }, params: { settleTo: StableSessionStatus }) => ({
      ...fatal(recorded(errorOf(event))),
      ...settle(params.settleTo),
    })),
    markSaved: assign({ unsaved: false, settleTo: undefined }),
    /** The outcome could not be stored: keep it in the actor; the caller holds it and retries. */
    markUnsaved: assign({ unsaved: true, settleTo: undefined }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => initialContext(input),
  initial: 'restore',
  on: {
    'auth.callback': { actions: 'rejectCallback' },
  },
  states: {
    /** Transient: enters the state the input record describes (idle without one). */
    restore: {
      always: [
        { guard: { type: 'restoresTo', params: { status: 'authorizing' } }, target: 'authorizing' },
        { guard: { type: 'restoresTo', params: { status: 'authorized' } }, target: 'authorized' },
        { guard: { type: 'restoresTo', params: { status: 'signedOut' } }, target: 'signedOut' },
        { guard: { type: 'restoresTo', params: { status: 'failed' } }, target: 'failed' },
        { guard: { type: 'restoresTo', params: { status: 'stale' } }, target: 'stale' },
        { target: 'idle' },
      ],
    },
    idle: {
      on: {
        'auth.start': [
          { guard: 'validStart', target: 'authorizing', actions: 'startAuthorization' },
          { actions: 'rejectStart' },
        ],
        'session.revoke': {
          target: 'storing',
          actions: ['signOut', assign(settle('signedOut'))],
        },
      },
    },
    authorizing: {
      on: {
        'auth.start': [
          { guard: 'validStart', target: 'authorizing', actions: 'startAuthorization' },
          { actions: 'rejectStart' },
        ],
        'auth.callback': [
          // A forged or stray callback leaves the pending authorization alone.
          { guard: 'callbackStateMismatch', actions: 'rejectCallback' },
          { guard: 'callbackExpired', target: 'failed', actions: 'failCallbackExpired' },
          { guard: 'callbackHasError', target: 'failed', actions: 'failCallbackError' },
          { guard: 'callbackHasCode', target: 'exchanging', actions: 'acceptCallback' },
          { target: 'failed', actions: 'failCallbackInvalid' },
        ],
        'session.revoke': {
          target: 'storing',
          actions: ['signOut', assign(settle('signedOut'))],
        },
      },
    },
    exchanging: {
      invoke: {
        id: 'exchangeCode',
        src: 'exchangeCode',
        input: ({ context }): ExchangeCodeInput => {
          const code = context.code ?? '';
          const redirectUri = context.pending?.redirectUri;
          return redirectUri === undefined ? { code } : { code, redirectUri };
        },
        // The new pair is stored before anyone receives it (and before a deferred sign-out).
        onDone: {
          target: 'storing',
          actions: assign(({ context, event }) => ({
            ...SETTLED,
            revokeRequested: context.revokeRequested,
            pending: undefined,
            tokens: event.output,
            error: undefined,
            retryAt: undefined,
            ...settle('authorized'),
          })),
        },
        // A failed exchange stores nothing: whatever the store held (an older pair of a session
        // being re-authorized) stays as it was.
        onError: [
          { guard: 'revokeRequested', target: 'signedOut', actions: 'signOut' },
          {
            // The code is single-use and the callback consumed: a new authorization is needed,
            // but nothing is wrong with the grant, so back to idle rather than failed.
            guard: 'transientError',
            target: 'idle',
            actions: assign(({ event }) => ({
              ...SETTLED,
              pending: undefined,
              error: recorded(errorOf(event)),
            })),
          },
          {
            target: 'failed',
            actions: assign(({ event }) => fatal(recorded(errorOf(event)))),
          },
        ],
      },
      on: { 'session.revoke': { actions: 'requestRevoke' } },
    },
    authorized: {
      on: {
        'token.request': [
          { guard: 'refreshDue', target: 'spending', actions: 'startRefresh' },
          {
            guard: 'expiredAndSpent',
            target: 'storing',
            actions: ['becomeStale', assign(settle('stale'))],
          },
          {
            guard: 'expiredWithoutRefreshToken',
            target: 'storing',
            actions: ['failNoRefreshToken', assign(settle('failed'))],
          },
        ],
        'token.expired': [
          { guard: 'canRefresh', target: 'spending', actions: 'startRefresh' },
          {
            guard: 'refreshTokenSpent',
            target: 'storing',
            actions: ['becomeStale', assign(settle('stale'))],
          },
          { target: 'storing', actions: ['failNoRefreshToken', assign(settle('failed'))] },
        ],
        'token.rejected': {
          guard: 'rejectedForGood',
          target: 'storing',
          actions: ['failRejected', assign(settle('failed'))],
        },
        'session.revoke': [
          // hh.ru invalidates only a valid access token (an expired one gets 403 while its refresh
          // token lives on): an expired pair is refreshed first, then invalidated.
          { guard: 'refreshDue', target: 'spending', actions: ['startRefresh', 'requestRevoke'] },
          { target: 'revoking', actions: 'startRevoke' },
        ],
      },
    },
    /** The refresh token is marked spent in the store; only then does the refresh leave. */
    spending: {
      invoke: {
        id: 'saveRecord',
        src: 'saveRecord',
        input: ({ context }): SaveSessionInput => ({
          record: toRecord({ value: 'spending', context }),
          purpose: 'spend',
        }),
        onDone: { target: 'refreshing', actions: 'markSaved' },
        // Not stored, so not sent: the token is not spent and the pair stays as it was.
        onError: { target: 'authorized', actions: 'unspend' },
      },
      on: { 'session.revoke': { actions: 'requestRevoke' } },
    },
    refreshing: {
      invoke: {
        id: 'refreshTokens',
        src: 'refreshTokens',
        input: ({ context }): RefreshTokensInput => ({
          refreshToken: refreshTokenOf(context) ?? '',
        }),
        onDone: {
          target: 'storing',
          actions: assign(({ context, event }) => ({
            ...SETTLED,
            revokeRequested: context.revokeRequested,
            tokens: event.output,
            error: undefined,
            retryAt: undefined,
            ...settle('authorized'),
          })),
        },
        onError: [
          { guard: 'revokeRequested', target: 'revoking', actions: 'startRevoke' },
          {
            // hh.ru did not consume the refresh token: keep the pair, un-spend it, wait.
            guard: 'tokenNotExpired',
            target: 'storing',
            actions: assign(({ context, event }) => {
              const error = errorOf(event);
              const token = refreshTokenOf(context);
              const startedAt = context.startedAt ?? 0;
              const expiresAt = context.tokens?.expiresAt;
              return {
                ...SETTLED,
                usedRefreshTokens: context.usedRefreshTokens.filter((t) => t !== token),
                error: recorded(error),
                retryAt:
                  error.retryAt ??
                  (expiresAt !== undefined && expiresAt > startedAt
                    ? expiresAt
                    : startedAt + context.retryDelayMs),
                ...settle('authorized'),
              };
            }),
          },
          {
            // The refresh never left (connection refused): the token was not consumed, so it is
            // not spent; the pair stays and the next event may send it.
            guard: 'requestNotSent',
            target: 'storing',
            actions: assign(({ context, event }) => {
              const token = refreshTokenOf(context);
              return {
                ...SETTLED,
                usedRefreshTokens: context.usedRefreshTokens.filter((t) => t !== token),
                error: recorded(errorOf(event)),
                ...settle('authorized'),
              };
            }),
          },
          {
            guard: 'refreshTokenReused',
            target: 'storing',
            actions: { type: 'keepWithError', params: { settleTo: 'stale' } },
          },
          {
            guard: 'transientError',
            target: 'storing',
            actions: { type: 'keepWithError', params: { settleTo: 'authorized' } },
          },
          {
            target: 'storing',
            actions: { type: 'dropWithError', params: { settleTo: 'failed' } },
          },
        ],
      },
      on: { 'session.revoke': { actions: 'requestRevoke' } },
    },
    revoking: {
      invoke: {
        id: 'invalidateToken',
        src: 'invalidateToken',
        input: ({ context }): InvalidateTokenInput => ({
          accessToken: context.tokens?.accessToken ?? '',
        }),
        onDone: { target: 'storing', actions: ['signOut', assign(settle('signedOut'))] },
        onError: [
          {
            // hh.ru answered that it failed (5xx), or the request never left: the token is alive
            // at hh.ru, so the pair is kept and signing out can be tried again.
            guard: 'revokeNotDone',
            target: 'storing',
            actions: { type: 'keepWithError', params: { settleTo: 'authorized' } },
          },
          {
            // Otherwise dropped locally: a 403 means the token is dead already, and a lost answer
            // may have invalidated it; a token the user asked to get rid of is not kept on a guess.
            target: 'storing',
            actions: { type: 'dropWithError', params: { settleTo: 'signedOut' } },
          },
        ],
      },
    },
    /**
     * The settled outcome is saved (`saveRecord`), then entered. A failed save still enters it:
     * the outcome (a pair hh.ru issued, say) is kept in the actor with `unsaved`, never dropped;
     * the caller holds it and writes it again.
     */
    storing: {
      invoke: {
        id: 'saveRecord',
        src: 'saveRecord',
        input: ({ context }): SaveSessionInput => ({
          record: toRecord({ value: 'storing', context }),
          purpose: 'settle',
        }),
        onDone: [
          {
            guard: 'revokeAfterStoring',
            target: 'revoking',
            actions: ['markSaved', 'startRevoke'],
          },
          ...settledTargets('markSaved'),
        ],
        onError: [
          {
            guard: 'revokeAfterStoring',
            target: 'revoking',
            actions: ['markUnsaved', 'startRevoke'],
          },
          ...settledTargets('markUnsaved'),
        ],
      },
      on: { 'session.revoke': { actions: 'requestRevoke' } },
    },
    signedOut: {
      on: {
        'auth.start': [
          { guard: 'validStart', target: 'authorizing', actions: 'startAuthorization' },
          { actions: 'rejectStart' },
        ],
      },
    },
    failed: {
      on: {
        'auth.start': [
          { guard: 'validStart', target: 'authorizing', actions: 'startAuthorization' },
          { actions: 'rejectStart' },
        ],
        'session.revoke': {
          target: 'storing',
          actions: ['signOut', assign(settle('signedOut'))],
        },
      },
    },
    /** This copy's pair was superseded (its refresh token is spent): reload the stored record. */
    stale: {
      on: {
        'auth.start': [
          { guard: 'validStart', target: 'authorizing', actions: 'startAuthorization' },
          { actions: 'rejectStart' },
        ],
        'session.revoke': {
          target: 'storing',
          actions: ['signOut', assign(settle('signedOut'))],
        },
      },
    },
  },
});

/** `storing`'s exits: to the state `settleTo` names. */
function settledTargets(action: 'markSaved' | 'markUnsaved') {
  return (['authorized', 'stale', 'failed', 'signedOut'] as const).map((status) => ({
    guard: { type: 'settlesTo' as const, params: { status } },
    target: status,
    actions: action,
  }));
}

export type SessionMachine = typeof sessionMachine;
