import { assign, fromPromise, setup } from 'xstate';
import { ERROR_CODES, type ErrorCode, type HhOAuthError } from '../errors.js';
import type { TokenSet } from '../types.js';
import { APP_TOKEN_COOLDOWN_MS } from './constants.js';
import { errorKind, isTime, notProvided, recorded, toHhOAuthError } from './internal.js';
import { toAppTokenRecord } from './record.js';
import type {
  AppTokenRecord,
  RecordedError,
  SaveAppTokenInput,
  StableAppTokenStatus,
} from './types.js';

export { APP_TOKEN_COOLDOWN_MS } from './constants.js';

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
  /** `lastRequestAt` before `marking` replaced it: restored if the mark cannot be stored. */
  readonly previousRequestAt: number | undefined;
  /** The stable state `storing` leads to. */
  readonly settleTo: StableAppTokenStatus | undefined;
  /** The last `saveRecord` of an outcome failed: it lives only in the actor (and the caller). */
  readonly unsaved: boolean;
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
    // Without a store there is nothing to persist: the default saves nothing and succeeds.
    saveRecord: fromPromise<void, SaveAppTokenInput>(async () => {}),
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
    settlesTo: ({ context }, params: { status: StableAppTokenStatus }) =>
      context.settleTo === params.status,
    transientError: ({ event }) => {
      const kind = errorKind(errorOf(event));
      return kind === 'transient' || kind === 'not_sent';
    },
  },
  actions: {
    startRequest: assign(({ context, event }) => ({
      token: undefined,
      previousRequestAt: context.lastRequestAt,
      lastRequestAt: event.now,
      retryAt: undefined,
    })),
    /** The "requested at T" mark could not be stored: nothing was sent. */
    unmark: assign(({ context, event }) => ({
      lastRequestAt: context.previousRequestAt,
      previousRequestAt: undefined,
      error: recorded(errorOf(event)),
    })),
    markSaved: assign({ unsaved: false, settleTo: undefined }),
    markUnsaved: assign({ unsaved: true, settleTo: undefined }),
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
    previousRequestAt: undefined,
    settleTo: undefined,
    unsaved: false,
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
          { guard: 'cooledDown', target: 'marking', actions: 'startRequest' },
          { target: 'coolingDown', actions: 'coolDown' },
        ],
      },
    },
    /**
     * "Requested at T" is stored before the request leaves, so that no process asks again within
     * the cool-down, whatever happens to the lock; a failed mark sends nothing.
     */
    marking: {
      invoke: {
        id: 'saveRecord',
        src: 'saveRecord',
        input: ({ context }): SaveAppTokenInput => ({
          record: toAppTokenRecord({ value: 'marking', context }),
          purpose: 'mark',
        }),
        onDone: 'requesting',
        onError: { target: 'none', actions: 'unmark' },
      },
    },
    requesting: {
      invoke: {
        id: 'requestAppToken',
        src: 'requestAppToken',
        input: ({ context }): RequestAppTokenInput => ({ requestedAt: context.lastRequestAt ?? 0 }),
        onDone: {
          target: 'storing',
          actions: assign(({ event }) => ({
            token: event.output,
            error: undefined,
            retryAt: undefined,
            settleTo: 'active' as const,
          })),
        },
        onError: [
          {
            guard: 'tooEarly',
            target: 'storing',
            actions: assign(({ context, event }) => {
              const error = errorOf(event);
              return {
                error: recorded(error),
                retryAt: Math.max(error.retryAt ?? 0, cooldownEnd(context)),
                settleTo: 'coolingDown' as const,
              };
            }),
          },
          {
            guard: 'transientError',
            target: 'storing',
            actions: assign(({ event }) => ({
              error: recorded(errorOf(event)),
              settleTo: 'none' as const,
            })),
          },
          {
            target: 'storing',
            actions: assign(({ event }) => ({
              token: undefined,
              error: recorded(errorOf(event)),
              settleTo: 'failed' as const,
            })),
          },
        ],
      },
    },
    /** The outcome is saved, then entered; a failed save enters it too, kept in the actor. */
    storing: {
      invoke: {
        id: 'saveRecord',
        src: 'saveRecord',
        input: ({ context }): SaveAppTokenInput => ({
          record: toAppTokenRecord({ value: 'storing', context }),
          purpose: 'settle',
        }),
        onDone: settledTargets('markSaved'),
        onError: settledTargets('markUnsaved'),
      },
    },
    active: {
      on: {
        'app.invalid': [
          { guard: 'tokenInvalidatedAndCooledDown', target: 'marking', actions: 'startRequest' },
          { guard: 'tokenInvalidated', target: 'coolingDown', actions: 'coolDown' },
          { guard: 'configurationBroken', target: 'failed', actions: 'failInvalid' },
        ],
      },
    },
    coolingDown: {
      on: {
        'app.request': { guard: 'retryDue', target: 'marking', actions: 'startRequest' },
      },
    },
    failed: {
      on: { 'app.reset': { target: 'none', actions: 'reset' } },
    },
  },
});

/** `storing`'s exits: to the state `settleTo` names. */
function settledTargets(action: 'markSaved' | 'markUnsaved') {
  return (['active', 'coolingDown', 'none', 'failed'] as const).map((status) => ({
    guard: { type: 'settlesTo' as const, params: { status } },
    target: status,
    actions: action,
  }));
}

export type AppTokenMachine = typeof appTokenMachine;
