import {
  accessTokenFor,
  fromRecord,
  isHhOAuthError,
  isSettled,
  parseApiError,
  parseTokenResponse,
  type SessionEvent,
  type SessionMachine,
  type SessionRecord,
  type SessionStatus,
  sessionMachine,
  type TokenSet,
  TransportError,
  toRecord,
} from '@hh-oauth/core';
import { type Actor, createActor, fromPromise, waitFor } from 'xstate';
import type { HttpAnswer } from '../arbitraries/answers.js';
import { HhModel, type HhModelOptions } from './hh-model.js';

/** One effect the machine ran, as the harness saw it from the caller's side. */
export interface EffectCall {
  readonly effect: 'exchangeCode' | 'refreshTokens' | 'invalidateToken';
  readonly input: {
    readonly code?: string;
    readonly redirectUri?: string;
    readonly refreshToken?: string;
    readonly accessToken?: string;
  };
  /** The caller's clock when it ran. */
  readonly clientNow: number;
  /** The event being handled when it started. */
  readonly during: SessionEvent['type'] | undefined;
  /** The pair the session held just before that event. */
  readonly tokensBefore: TokenSet | undefined;
  /** `retryAt` the session held just before that event. */
  readonly retryAtBefore: number | undefined;
  /** The error code the effect rejected with, if any. */
  readonly errorCode?: string;
}

export interface WorldOptions extends HhModelOptions {
  /** The caller's clock at the start (ms). */
  readonly start?: number;
  /** hh.ru's clock minus the caller's (ms). */
  readonly skewMs?: number;
  /** The machine under test (default `sessionMachine`); its actors are replaced by the model's. */
  readonly machine?: SessionMachine;
  /** Passed to `fromRecord` when the session is reloaded (`authorizationTtlMs`, `retryDelayMs`). */
  readonly sessionOptions?: {
    readonly authorizationTtlMs?: number;
    readonly retryDelayMs?: number;
  };
}

function parse(answer: HttpAnswer | 'network_error', now: number): TokenSet {
  if (answer === 'network_error') {
    throw new TransportError('network_error', 'the model dropped the request');
  }
  return parseTokenResponse(answer.status, answer.body, { now });
}

/**
 * The world a model-based run acts on: hh.ru's rules ({@link HhModel}) on hh.ru's clock, the
 * caller's clock, a store holding the session record, and a running session actor whose effects
 * talk to the model through core's own parsers. Shared by every command of one run.
 */
export class SessionWorld {
  readonly server: HhModel;
  /** The caller's clock (ms). */
  clientNow: number;
  readonly calls: EffectCall[] = [];
  /** Every access token `accessTokenFor` handed out, with the caller's clock. */
  readonly handedOut: { readonly token: string; readonly clientNow: number }[] = [];
  /** Authorizations the user completed at /oauth/authorize: state → code and what was sent. */
  readonly authorizations: { state: string; redirectUri: string | undefined; code: string }[] = [];
  /** The last stored record (what a reload reads). */
  stored: SessionRecord;
  /** Status mirror for `check()`: commands update it after they run. */
  status: SessionStatus | 'restore' = 'idle';
  /** Access tokens the session asked hh.ru to invalidate. */
  readonly revoked = new Set<string>();
  actor: Actor<SessionMachine>;
  private current: SessionEvent | undefined;
  private before: { tokens: TokenSet | undefined; retryAt: number | undefined } = {
    tokens: undefined,
    retryAt: undefined,
  };
  private readonly machine: SessionMachine;
  private readonly sessionOptions: NonNullable<WorldOptions['sessionOptions']>;

  constructor(options: WorldOptions = {}) {
    this.clientNow = options.start ?? 1_700_000_000_000;
    this.server = new HhModel(this.clientNow + (options.skewMs ?? 0), options);
    this.sessionOptions = options.sessionOptions ?? {};
    const log = (
      call: Omit<EffectCall, 'clientNow' | 'during' | 'tokensBefore' | 'retryAtBefore'>,
    ) => {
      const entry: EffectCall = {
        ...call,
        clientNow: this.clientNow,
        during: this.current?.type,
        tokensBefore: this.before.tokens,
        retryAtBefore: this.before.retryAt,
      };
      this.calls.push(entry);
      return entry;
    };
    const run = async <T>(call: Parameters<typeof log>[0], effect: () => T): Promise<T> => {
      const entry = log(call);
      try {
        return effect();
      } catch (error) {
        (entry as { errorCode?: string }).errorCode = isHhOAuthError(error)
          ? error.code
          : 'foreign';
        throw error;
      }
    };
    this.machine = (options.machine ?? sessionMachine).provide({
      actors: {
        exchangeCode: fromPromise(async ({ input }) =>
          run({ effect: 'exchangeCode', input }, () =>
            parse(this.server.exchange(input.code, input.redirectUri), this.clientNow),
          ),
        ),
        refreshTokens: fromPromise(async ({ input }) =>
          run({ effect: 'refreshTokens', input }, () =>
            parse(this.server.refresh(input.refreshToken), this.clientNow),
          ),
        ),
        invalidateToken: fromPromise(async ({ input }) =>
          run({ effect: 'invalidateToken', input }, () => {
            const answer = this.server.invalidate(input.accessToken);
            // Asked to invalidate: the token counts as dead unless hh.ru answered 5xx (not done).
            if (answer === 'network_error' || answer.status < 500)
              this.revoked.add(input.accessToken);
            if (answer === 'network_error') {
              throw new TransportError('network_error', 'the model dropped the request');
            }
            if (answer.status !== 204) throw parseApiError(answer.status, answer.body);
          }),
        ),
      },
    });
    this.stored = { v: 1, kind: 'session', status: 'idle' };
    this.actor = this.restart();
  }

  /**
   * A `state` never used before in this run, as `createState()` would give: `auth.start` must get
   * a fresh state each time, since the callback's state is what ties a code to its redirect_uri.
   */
  freshState(seed: string): string {
    return `${seed}.${this.authorizations.length}`;
  }

  /** Advances both clocks. */
  advance(ms: number): void {
    this.clientNow += ms;
    this.server.now += ms;
  }

  /** Moves the caller's clock only (NTP step, VM pause): the skew changes. */
  jump(ms: number): void {
    this.clientNow += ms;
  }

  /** Sends an event stamped with the caller's clock, waits until settled, stores the record. */
  async send(event: SessionEvent): Promise<void> {
    const snapshot = this.actor.getSnapshot();
    this.before = { tokens: snapshot.context.tokens, retryAt: snapshot.context.retryAt };
    this.current = event;
    this.actor.send(event);
    const settled = await waitFor(this.actor, isSettled);
    this.current = undefined;
    this.stored = toRecord(settled);
    this.status = settled.value;
  }

  /** The hot path: the token the caller would use now, logged when handed out. */
  accessToken(): string | undefined {
    const result = accessTokenFor(this.actor.getSnapshot(), this.clientNow);
    if (!result.ok) return undefined;
    this.handedOut.push({ token: result.accessToken, clientNow: this.clientNow });
    return result.accessToken;
  }

  /** Stops the actor and starts a new one from the stored record, through JSON. */
  restart(): Actor<SessionMachine> {
    this.actor?.stop();
    const json: unknown = JSON.parse(JSON.stringify(this.stored));
    this.actor = createActor(this.machine, { input: fromRecord(json, this.sessionOptions) });
    this.actor.start();
    this.status = this.actor.getSnapshot().value;
    return this.actor;
  }
}
