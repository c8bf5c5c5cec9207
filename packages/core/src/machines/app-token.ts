import { assign, fromPromise, setup } from 'xstate';
import { ERROR_CODES, type ErrorCode, type HhOAuthError } from '../errors.js';
import type { TokenSet } from '../types.js';
import { errorKind, isTime, notProvided, recorded, toHhOAuthError } from './internal.js';
import type { AppTokenRecord, RecordedError, StableAppTokenStatus } from './types.js';

/** hh.ru issues a new application token at most once per 5 minutes (PROTOCOL.md §3). */
export const APP_TOKEN_COOLDOWN_MS = 5 * 60 * 1000;

/** The codes after which an application token is asked for again. */
const INVALIDATING: ReadonlySet<ErrorCode> = new Set(['bad_authorization', 'token_revoked']);

/**
 * The events of {@link appTokenMachine}; each carries `now` (ms, the caller's clock).
 *
 * | event | sent when | accepted in |
 * | --- | --- | --- |
 * | `app.request` `{ now }` | the application token is needed | none, coolingDown (active: nothing to do) |
 * | `app.invalid` `{ now, code }` | the API refused the token: `bad_authorization` / `token_revoked` ask again; `application_not_found` and other configuration codes fail | active |
 * | `app.reset` `{ now }` | the configuration was fixed (new client id / secret) | failed |
 */
export type AppTokenEvent =
  | { readonly type: 'app.request'; readonly now: number }
  | { readonly type: 'app.invalid'; readonly now: number; readonly code: ErrorCode }
  | { readonly type: 'app.reset'; readonly now: number };

/** The input of `requestAppToken`: the `now` of the event that asked for it. */
export interface RequestAppTokenInput {
  readonly requestedAt: number;
}

export interface AppTokenInput {
  /** Start in the state this record describes (use {@link fromAppTokenRecord} on untrusted JSON). */
  readonly record?: AppTokenRecord;
}

export interface AppTokenContext {
  readonly token: TokenSet | undefined;
  readonly lastRequestAt: number | undefined;
  readonly retryAt: number | undefined;
  readonly error: RecordedError | undefined;
  readonly restoreTo: StableAppTokenStatus;
}

const errorOf = (event: unknown): HhOAuthError =>
  toHhOAuthError((event as { readonly error: unknown }).error);

const cooledDown = (context: AppTokenContext, now: number) =>
  context.lastRequestAt === undefined || now >= context.lastRequestAt + APP_TOKEN_COOLDOWN_MS;

const cooldownEnd = (context: AppTokenContext) =>
  (context.lastRequestAt ?? Number.NEGATIVE_INFINITY) + APP_TOKEN_COOLDOWN_MS;

/**
 * The application token (RFC 6749 §4.4 client credentials): `none → requesting → active`.
 * It asks again only when the API said the token is bad (`app.invalid` with `bad_authorization` or
 * `token_revoked`), and never twice within {@link APP_TOKEN_COOLDOWN_MS} of the last request by
 * the events' clock (`coolingDown`, with `retryAt`). `app token refresh too early` also cools down.
 * Asking again deactivates the previous token at hh.ru, so share the record between instances.
 *
 * | actor | input | output |
 * | --- | --- | --- |
 * | `requestAppToken` | {@link RequestAppTokenInput} | `TokenSet` without a refresh token |
 *
 * Errors: `app_token_too_early` → coolingDown; transient (`retry_later`) → none, error recorded
 * (the next request still waits out the cooldown: hh.ru may have issued a token); any other →
 * `failed` until `app.reset`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 RFC 6749 §4.4
 */
export const appTokenMachine = setup({
  types: {} as {
    context: AppTokenContext;
    events: AppTokenEvent;
    input: AppTokenInput | undefined;
  },
  actors: {
    requestAppToken: fromPromise<TokenSet, RequestAppTokenInput>(async () => {
      throw notProvided('appTokenMachine', 'requestAppToken');
    }),
  },
  guards: {
    restoresTo: ({ context }, params: { status: StableAppTokenStatus }) =>
      context.restoreTo === params.status,
    cooledDown: ({ context, event }) => isTime(event.now) && cooledDown(context, event.now),
    retryDue: ({ context, event }) =>
      isTime(event.now) &&
      (context.retryAt === undefined || event.now >= context.retryAt) &&
      cooledDown(context, event.now),
    tokenInvalidated: ({ event }) => event.type === 'app.invalid' && INVALIDATING.has(event.code),
    tokenInvalidatedAndCooledDown: ({ context, event }) =>
      event.type === 'app.invalid' &&
      INVALIDATING.has(event.code) &&
      isTime(event.now) &&
      cooledDown(context, event.now),
    configurationBroken: ({ event }) =>
      event.type === 'app.invalid' &&
      Object.hasOwn(ERROR_CODES, event.code) &&
      ERROR_CODES[event.code] === 'fix_configuration' &&
      event.code !== 'user_auth_expected',
    tooEarly: ({ event }) => errorKind(errorOf(event)) === 'too_early',
    transientError: ({ event }) => {
      const kind = errorKind(errorOf(event));
      return kind === 'transient' || kind === 'not_sent';
    },
  },
  actions: {
    startRequest: assign(({ event }) => ({
      token: undefined,
      lastRequestAt: event.now,
      retryAt: undefined,
    })),
    coolDown: assign(({ context }) => ({ token: undefined, retryAt: cooldownEnd(context) })),
    failInvalid: assign(({ event }) => ({
      token: undefined,
      retryAt: undefined,
      error:
        event.type === 'app.invalid'
          ? {
              code: event.code,
              message: `[hh-oauth] the API refused the app token (${event.code})`,
            }
          : undefined,
    })),
    reset: assign({ error: undefined, retryAt: undefined }),
  },
}).createMachine({
  id: 'appToken',
  context: ({ input }) => ({
    token: input?.record?.token,
    lastRequestAt: input?.record?.lastRequestAt,
    retryAt: input?.record?.retryAt,
    error: input?.record?.error,
    restoreTo: input?.record?.status ?? 'none',
  }),
  initial: 'restore',
  states: {
    /** Transient: enters the state the input record describes (none without one). */
    restore: {
      always: [
        { guard: { type: 'restoresTo', params: { status: 'active' } }, target: 'active' },
        { guard: { type: 'restoresTo', params: { status: 'coolingDown' } }, target: 'coolingDown' },
        { guard: { type: 'restoresTo', params: { status: 'failed' } }, target: 'failed' },
        { target: 'none' },
      ],
    },
    none: {
      on: {
        'app.request': [
          { guard: 'cooledDown', target: 'requesting', actions: 'startRequest' },
          { target: 'coolingDown', actions: 'coolDown' },
        ],
      },
    },
    requesting: {
      invoke: {
        id: 'requestAppToken',
        src: 'requestAppToken',
        input: ({ context }): RequestAppTokenInput => ({ requestedAt: context.lastRequestAt ?? 0 }),
        onDone: {
          target: 'active',
          actions: assign(({ event }) => ({
            token: event.output,
            error: undefined,
            retryAt: undefined,
          })),
        },
        onError: [
          {
            guard: 'tooEarly',
            target: 'coolingDown',
            actions: assign(({ context, event }) => {
              const error = errorOf(event);
              return {
                error: recorded(error),
                retryAt: Math.max(error.retryAt ?? 0, cooldownEnd(context)),
              };
            }),
          },
          {
            guard: 'transientError',
            target: 'none',
            actions: assign(({ event }) => ({ error: recorded(errorOf(event)) })),
          },
          {
            target: 'failed',
            actions: assign(({ event }) => ({ token: undefined, error: recorded(errorOf(event)) })),
          },
        ],
      },
    },
    active: {
      on: {
        'app.invalid': [
          { guard: 'tokenInvalidatedAndCooledDown', target: 'requesting', actions: 'startRequest' },
          { guard: 'tokenInvalidated', target: 'coolingDown', actions: 'coolDown' },
          { guard: 'configurationBroken', target: 'failed', actions: 'failInvalid' },
        ],
      },
    },
    coolingDown: {
      on: {
        'app.request': { guard: 'retryDue', target: 'requesting', actions: 'startRequest' },
      },
    },
    failed: {
      on: { 'app.reset': { target: 'none', actions: 'reset' } },
    },
  },
});

export type AppTokenMachine = typeof appTokenMachine;
