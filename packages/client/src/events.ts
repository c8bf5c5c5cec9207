/**
 * What the runtime reports as it works (`onEvent`): machine transitions with their cause, how long
 * requests and lock waits took, store retries, and pairs held in memory while the store is down.
 * Never a secret: no token, code or client secret is ever put in an event.
 */
import type { ErrorCode } from '@hh-oauth/core';

/** The machine a transition belongs to: a user's session, or the application token. */
export type MachineName = 'session' | 'app';

/** The effects that leave the process. */
export type RequestName =
  | 'exchangeCode'
  | 'refreshTokens'
  | 'invalidateToken'
  | 'requestAppToken'
  | 'api';

export type HhOAuthEvent =
  | {
      readonly type: 'transition';
      readonly machine: MachineName;
      /** The session's id; `app` for the application token. */
      readonly sessionId: string;
      /** A `sessionMachine` or `appTokenMachine` state. */
      readonly state: string;
      /** The error code recorded on entering the state, if any. */
      readonly cause?: ErrorCode;
      readonly at: number;
    }
  | {
      readonly type: 'request';
      readonly request: RequestName;
      readonly sessionId: string;
      readonly durationMs: number;
      /** `ok`, or the error code it failed with. */
      readonly outcome: 'ok' | ErrorCode;
      readonly at: number;
    }
  | {
      readonly type: 'lock';
      readonly sessionId: string;
      /** How long this caller waited before it held the lock or stopped waiting. */
      readonly waitedMs: number;
      /**
       * `acquired`; `settled`: another holder's result ended the wait; `timeout`: gave up;
       * `lost`: the lock could not be renewed (its TTL ran out while this caller worked).
       */
      readonly outcome: 'acquired' | 'settled' | 'timeout' | 'lost';
      readonly at: number;
    }
  | {
      readonly type: 'store.retry';
      readonly sessionId: string;
      readonly attempt: number;
      readonly cause: ErrorCode;
      readonly at: number;
    }
  | {
      /** A pair hh.ru issued could not be stored yet: it is kept in this process and written again. */
      readonly type: 'pair.held';
      readonly sessionId: string;
      readonly at: number;
    }
  | {
      /** A held pair reached the store (or a newer record there made it unnecessary). */
      readonly type: 'pair.stored';
      readonly sessionId: string;
      readonly at: number;
    }
  | {
      /** A listener threw; it was isolated, the others still ran. */
      readonly type: 'listener.error';
      readonly error: { readonly name: string; readonly message: string };
      readonly at: number;
    };

/** A distributive Omit, so that each event keeps its own fields. */
export type EventInput = HhOAuthEvent extends infer E
  ? E extends HhOAuthEvent
    ? Omit<E, 'at'>
    : never
  : never;

const describe = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, message: error.message.slice(0, 200) }
    : { name: typeof error, message: 'a non-Error value was thrown' };

/** Listeners, each isolated: one that throws never reaches the caller or stops the others. */
export class EventHub {
  readonly #listeners = new Set<(event: HhOAuthEvent) => void>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Whether anyone listens: callers skip building events nobody reads. */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  on(listener: (event: HhOAuthEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(input: EventInput): void {
    if (this.#listeners.size === 0) return;
    const event = { ...input, at: this.#now() } as HhOAuthEvent;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        if (event.type !== 'listener.error') this.#failed(listener, error);
      }
    }
  }

  #failed(failing: (event: HhOAuthEvent) => void, error: unknown): void {
    const event: HhOAuthEvent = { type: 'listener.error', error: describe(error), at: this.#now() };
    for (const listener of this.#listeners) {
      if (listener === failing) continue;
      try {
        listener(event);
      } catch {
        // A listener that fails on a failure report is not reported again.
      }
    }
  }
}
