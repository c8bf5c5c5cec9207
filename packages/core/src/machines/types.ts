import type { ErrorCode } from '../errors.js';
import type { TokenSet } from '../types.js';

/** Every state of {@link sessionMachine}. */
export type SessionStatus =
  | 'idle'
  | 'authorizing'
  | 'exchanging'
  | 'authorized'
  | 'spending'
  | 'refreshing'
  | 'storing'
  | 'revoking'
  | 'signedOut'
  | 'failed'
  | 'stale';

/**
 * The states a session can be stored in. The in-flight states (`exchanging`, `refreshing`,
 * `revoking`) are stored as what they would be if the request was lost; see {@link toRecord}.
 */
export type StableSessionStatus =
  | 'idle'
  | 'authorizing'
  | 'authorized'
  | 'signedOut'
  | 'failed'
  | 'stale';

/** Every state of {@link appTokenMachine}. */
export type AppTokenStatus =
  | 'none'
  | 'marking'
  | 'requesting'
  | 'storing'
  | 'active'
  | 'coolingDown'
  | 'failed';

/** The states an application token can be stored in (`requesting` is stored as `coolingDown`). */
export type StableAppTokenStatus = 'none' | 'active' | 'coolingDown' | 'failed';

/** An authorization request sent to `/oauth/authorize` and not answered yet. */
export interface PendingAuthorization {
  /** The `state` parameter sent (RFC 6749 §10.12); the callback must echo it. */
  readonly state: string;
  /** The exact `redirect_uri` string sent, byte for byte; absent when none was sent. */
  readonly redirectUri?: string;
  /** After this instant (ms, caller's clock) the callback is refused. */
  readonly expiresAt: number;
}

/** The last error, as stored: a stable code and its secret-free message. */
export interface RecordedError {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * A session as stored (version 1): small, plain JSON, independent of xstate's snapshot format, so
 * an upgrade of xstate never strands a stored token. Optional fields are omitted, never `null`.
 */
export interface SessionRecord {
  readonly v: 1;
  readonly kind: 'session';
  readonly status: StableSessionStatus;
  /** Present exactly when `status` is `authorized` or `stale`. */
  readonly tokens?: TokenSet;
  /** Present exactly when `status` is `authorizing`. */
  readonly pending?: PendingAuthorization;
  /** Refresh tokens already sent to hh.ru (newest last, at most 16); omitted when none. */
  readonly usedRefreshTokens?: readonly string[];
  /** Present when `status` is `failed` or `stale`; else the last transient error, if any. */
  readonly error?: RecordedError;
  /** No refresh is attempted before this instant (ms) — set after `token not expired`. */
  readonly retryAt?: number;
}

/** An application token as stored (version 1). */
export interface AppTokenRecord {
  readonly v: 1;
  readonly kind: 'app';
  readonly status: StableAppTokenStatus;
  /** Present exactly when `status` is `active`. */
  readonly token?: TokenSet;
  /** When a token was last requested (ms, caller's clock): the 5-minute rule counts from here. */
  readonly lastRequestAt?: number;
  /** Present exactly when `status` is `coolingDown`: the next request may go out at this instant. */
  readonly retryAt?: number;
  /** Present when `status` is `failed`; else the last transient error, if any. */
  readonly error?: RecordedError;
}

/** The input of `exchangeCode`: the code, and the redirect_uri exactly when one went to /oauth/authorize. */
export interface ExchangeCodeInput {
  readonly code: string;
  readonly redirectUri?: string;
}

/** The input of `refreshTokens`. */
export interface RefreshTokensInput {
  readonly refreshToken: string;
}

/** The input of `invalidateToken` (`DELETE /oauth/token` with this Bearer token). */
export interface InvalidateTokenInput {
  readonly accessToken: string;
}

/**
 * The input of `saveRecord` (both machines): the record to persist before the machine moves on.
 * The caller compare-and-sets it; it rejects when it cannot (store down, or the stored record
 * changed in a way this one must not overwrite), and the machine then takes its `onError` path.
 */
export interface SaveSessionInput {
  readonly record: SessionRecord;
  /**
   * `spend`: the refresh token is marked spent, before it is sent (a failure sends nothing);
   * `settle`: the outcome of a request (a new pair, a refusal, a sign-out) or of a local decision.
   */
  readonly purpose: 'spend' | 'settle';
}

/** The input of the app token machine's `saveRecord`. */
export interface SaveAppTokenInput {
  readonly record: AppTokenRecord;
  /** `mark`: "requested at T", before the request leaves; `settle`: its outcome. */
  readonly purpose: 'mark' | 'settle';
}

/**
 * A started authorization as stored under its `state` (version 1), consumed once by the callback:
 * which session it signs in and the exact `redirect_uri` string sent, if any.
 */
export interface PendingAuthorizationRecord {
  readonly v: 1;
  readonly kind: 'pending';
  readonly sessionId: string;
  readonly state: string;
  /** The exact redirect_uri string sent to /oauth/authorize; absent when none was sent. */
  readonly redirectUri?: string;
  /** When the authorization started (ms, the caller's clock). */
  readonly createdAt: number;
}
