/**
 * Signing in: the authorize URL with a stored, single-use `state`, and the callback that consumes
 * it, exchanges the code and stores the session (RFC 6749 §4.1, §10.12).
 */
import {
  buildAuthorizeUrl,
  CallbackError,
  ConfigurationError,
  createState,
  parseCallback,
  readCallbackUrl,
  type SessionEvent,
} from '@hh-oauth/core';
import { timingSafeEqual } from '@hh-oauth/core/internal';
import { decodePending, type PendingRecord } from './records.js';
import { bounded, type Runtime } from './runtime.js';
import { type Sessions, unavailable } from './sessions.js';
import { storeFailure } from './store-ops.js';

export interface StartAuthorizationOptions {
  /** Re-authorize this session; a new id is made when absent. */
  readonly sessionId?: string;
  /** Overrides the client's `redirectUri` for this authorization. */
  readonly redirectUri?: string;
  readonly forceLogin?: boolean;
  readonly skipChooseAccount?: boolean;
}

export function createAuthorization(
  rt: Runtime,
  sessions: Sessions,
  settings: {
    readonly authorizeUrl: string;
    readonly redirectUri: string | undefined;
    readonly checkRedirectUri: (redirectUri: string) => void;
  },
) {
  async function start(options: StartAuthorizationOptions = {}) {
    const redirectUri = options.redirectUri ?? settings.redirectUri;
    if (redirectUri !== undefined) settings.checkRedirectUri(redirectUri);
    const state = createState();
    const sessionId = options.sessionId ?? createState();
    const createdAt = rt.clock.now();
    const pending: PendingRecord =
      redirectUri === undefined
        ? { v: 1, kind: 'pending', sessionId, state, createdAt }
        : { v: 1, kind: 'pending', sessionId, state, redirectUri, createdAt };
    try {
      await rt.store.set(rt.keys.pending(state), JSON.stringify(pending), {
        expectedVersion: 0,
        ttlMs: rt.authorizationTtlMs,
      });
    } catch (error) {
      throw storeFailure(error);
    }
    const url = buildAuthorizeUrl({
      authorizeUrl: settings.authorizeUrl,
      clientId: rt.clientId,
      state,
      ...(redirectUri === undefined ? {} : { redirectUri }),
      ...(options.forceLogin ? { forceLogin: true } : {}),
      ...(options.skipChooseAccount ? { skipChooseAccount: true } : {}),
    });
    return { url, state, sessionId };
  }

  async function complete(callbackUrl: string | URL, bind: { readonly expectedState: string }) {
    if (typeof bind !== 'object' || bind === null) {
      throw new ConfigurationError(
        'invalid_argument',
        'completeAuthorization needs { expectedState }: the state startAuthorization gave this browser',
      );
    }
    const url = readCallbackUrl(callbackUrl);
    // The browser's own record of its sign-in (a state cookie) is gone or expired: that is the
    // user's situation, not the app's, and signing in again fixes it.
    const expectedState = bind.expectedState;
    if (typeof expectedState !== 'string' || expectedState === '') {
      throw new CallbackError(
        'state_missing',
        'no sign-in was started in this browser (its state is missing or expired): start again',
      );
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
    // Consumed before anything else, and never retried: a callback is accepted once.
    let stored: string | undefined;
    try {
      stored = await rt.store.take(rt.keys.pending(state));
    } catch (error) {
      throw storeFailure(error);
    }
    if (stored === undefined) {
      throw new CallbackError(
        'state_mismatch',
        'no pending authorization has this state (unknown, used or expired)',
      );
    }
    const pending = decodePending(stored);
    const { code } = parseCallback(url, { expectedState: pending.state });
    const startEvent: SessionEvent =
      pending.redirectUri === undefined
        ? { type: 'auth.start', now: pending.createdAt, state: pending.state }
        : {
            type: 'auth.start',
            now: pending.createdAt,
            state: pending.state,
            redirectUri: pending.redirectUri,
          };
    const key = rt.keys.session(pending.sessionId);
    const holder = await rt.ops.loadSession(key);
    // A fresh machine: a session being re-authorized keeps its older pair unless this succeeds,
    // and then the new pair replaces it (a sign-in is newer than anything stored).
    const { record, failures } = await sessions.drive(
      pending.sessionId,
      holder,
      [startEvent, { type: 'auth.callback', now: rt.clock.now(), state, code }],
      { signIn: true, fresh: true },
    );
    if (record.status !== 'authorized') {
      throw failures.last ?? failures.save ?? unavailable(record, record.status);
    }
    return { sessionId: pending.sessionId };
  }

  return {
    start,
    complete: (callbackUrl: string | URL, bind: { readonly expectedState: string }) =>
      bounded(rt, 'completeAuthorization', complete(callbackUrl, bind)),
  };
}
