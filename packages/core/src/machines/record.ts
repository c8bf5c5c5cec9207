import { ConfigurationError, ERROR_CODES, type ErrorCode, isHhOAuthError } from '../errors.js';
import type { TokenSet } from '../types.js';
import type { AppTokenContext, AppTokenInput } from './app-token.js';
import { APP_TOKEN_COOLDOWN_MS, MAX_USED_REFRESH_TOKENS } from './constants.js';
import { isTime } from './internal.js';
import type { SessionContext, SessionInput } from './session.js';
import type {
  AppTokenRecord,
  PendingAuthorization,
  PendingAuthorizationRecord,
  RecordedError,
  SessionRecord,
  StableAppTokenStatus,
  StableSessionStatus,
} from './types.js';

/** The record version this build writes and reads. */
export const RECORD_VERSION = 1;

/** What {@link toRecord} needs of a session snapshot (`actor.getSnapshot()` fits). */
export interface SessionSnapshotLike {
  readonly value: string;
  readonly context: SessionContext;
}

/** What {@link toAppTokenRecord} needs of an app token snapshot. */
export interface AppTokenSnapshotLike {
  readonly value: string;
  readonly context: AppTokenContext;
}

/** Why {@link accessTokenFor} has no token to hand out. */
export type AccessTokenUnavailable =
  /** No grant yet (idle, authorizing, exchanging; app token: none). */
  | 'not_authorized'
  /** The access token expired by `now`: send `token.request` (under the store's lock). */
  | 'expired'
  /** A request for a new token is in flight. */
  | 'refreshing'
  /** The user signed out (or is signing out). */
  | 'signed_out'
  /** The grant is gone: the user must authorize again (`error` says why). */
  | 'failed'
  /** This copy is outdated: reload the record from the store. */
  | 'stale'
  /** App token: hh.ru's 5-minute rule; wait until `retryAt`. */
  | 'cooling_down';

export type AccessTokenResult =
  | { readonly ok: true; readonly accessToken: string }
  | { readonly ok: false; readonly reason: AccessTokenUnavailable; readonly retryAt?: number };

const unavailable = (reason: AccessTokenUnavailable): AccessTokenResult =>
  Object.freeze({ ok: false, reason });
const REASONS: Readonly<Record<string, AccessTokenResult>> = {
  idle: unavailable('not_authorized'),
  authorizing: unavailable('not_authorized'),
  exchanging: unavailable('not_authorized'),
  restore: unavailable('not_authorized'),
  none: unavailable('not_authorized'),
  spending: unavailable('refreshing'),
  refreshing: unavailable('refreshing'),
  storing: unavailable('refreshing'),
  marking: unavailable('refreshing'),
  requesting: unavailable('refreshing'),
  revoking: unavailable('signed_out'),
  signedOut: unavailable('signed_out'),
  failed: unavailable('failed'),
  stale: unavailable('stale'),
};
const EXPIRED = unavailable('expired');
const NOT_AUTHORIZED = unavailable('not_authorized');

/**
 * The hottest path: the access token of a stored record that may be sent now, or undefined (then
 * {@link accessTokenFor} says why). Allocates nothing. The same rule as `accessTokenFor`: an
 * `authorized` session or `active` app token whose access token has not expired by `now`.
 */
export function usableAccessToken(
  record: SessionRecord | AppTokenRecord,
  now: number,
): string | undefined {
  const tokens = record.kind === 'app' ? record.token : record.tokens;
  if (tokens === undefined || (record.status !== 'authorized' && record.status !== 'active')) {
    return undefined;
  }
  const expiresAt = tokens.expiresAt;
  return expiresAt !== undefined && !(now < expiresAt) ? undefined : tokens.accessToken;
}

/**
 * The hot path: the access token to send now, or why there is none. Takes a stored record (session
 * or app) or a machine snapshot; allocates only the `{ ok: true }` result. No leeway is applied:
 * hh.ru refuses to refresh before expiry, so a token is used until `expiresAt` by `now`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: bearer tokens
 */
export function accessTokenFor(
  source: SessionRecord | AppTokenRecord | SessionSnapshotLike | AppTokenSnapshotLike,
  now: number,
): AccessTokenResult {
  let status: string;
  let tokens: TokenSet | undefined;
  let retryAt: number | undefined;
  if ('v' in source) {
    status = source.status;
    tokens = source.kind === 'app' ? source.token : source.tokens;
    retryAt = source.retryAt;
  } else {
    status = source.value;
    const context = source.context as Partial<SessionContext & AppTokenContext>;
    tokens = context.tokens ?? context.token;
    retryAt = context.retryAt;
  }
  if (status === 'authorized' || status === 'active') {
    if (tokens === undefined) return NOT_AUTHORIZED;
    const expiresAt = tokens.expiresAt;
    if (expiresAt !== undefined && !(now < expiresAt)) {
      return retryAt === undefined ? EXPIRED : { ok: false, reason: 'expired', retryAt };
    }
    return { ok: true, accessToken: tokens.accessToken };
  }
  if (status === 'coolingDown') {
    return retryAt === undefined
      ? unavailable('cooling_down')
      : { ok: false, reason: 'cooling_down', retryAt };
  }
  return REASONS[status] ?? NOT_AUTHORIZED;
}

// ---------------------------------------------------------------------------------------------
// Writing

function copyTokens(tokens: TokenSet): TokenSet {
  const out: { -readonly [K in keyof TokenSet]: TokenSet[K] } = {
    accessToken: tokens.accessToken,
    tokenType: 'bearer',
    obtainedAt: tokens.obtainedAt,
  };
  if (tokens.refreshToken !== undefined) out.refreshToken = tokens.refreshToken;
  if (tokens.expiresAt !== undefined) out.expiresAt = tokens.expiresAt;
  return out;
}

function copyPending(pending: PendingAuthorization): PendingAuthorization {
  return pending.redirectUri === undefined
    ? { state: pending.state, expiresAt: pending.expiresAt }
    : { state: pending.state, redirectUri: pending.redirectUri, expiresAt: pending.expiresAt };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The stored form of a session snapshot: a small versioned plain-JSON {@link SessionRecord}.
 * In-flight states are stored as if their request was lost: `exchanging` → `idle` (the callback
 * was consumed), `spending` and `refreshing` → `authorized` with the refresh token spent,
 * `revoking` → `signedOut`; `storing` as the state it is about to enter.
 */
export function toRecord(snapshot: SessionSnapshotLike): SessionRecord {
  const { context } = snapshot;
  let status: StableSessionStatus;
  switch (snapshot.value) {
    case 'exchanging':
      status = context.revokeRequested ? 'signedOut' : 'idle';
      break;
    case 'spending':
      // What `saveRecord` stores before the refresh leaves: the pair, its refresh token spent.
      status = 'authorized';
      break;
    case 'refreshing':
      status = context.revokeRequested ? 'signedOut' : 'authorized';
      break;
    case 'storing':
      status = context.settleTo ?? context.restoreTo;
      break;
    case 'revoking':
      status = 'signedOut';
      break;
    case 'restore':
      status = context.restoreTo;
      break;
    default:
      status = snapshot.value as StableSessionStatus;
  }
  const record: Mutable<SessionRecord> = { v: RECORD_VERSION, kind: 'session', status };
  if ((status === 'authorized' || status === 'stale') && context.tokens !== undefined) {
    record.tokens = copyTokens(context.tokens);
  }
  if (status === 'authorizing' && context.pending !== undefined) {
    record.pending = copyPending(context.pending);
  }
  if (context.usedRefreshTokens.length > 0) {
    record.usedRefreshTokens = context.usedRefreshTokens.slice(-MAX_USED_REFRESH_TOKENS);
  }
  if (context.error !== undefined) {
    record.error = { code: context.error.code, message: context.error.message };
  }
  if (context.retryAt !== undefined) record.retryAt = context.retryAt;
  return record;
}

/** The stored form of an app token snapshot (`requesting` is stored as `coolingDown`). */
export function toAppTokenRecord(snapshot: AppTokenSnapshotLike): AppTokenRecord {
  const { context } = snapshot;
  let status: StableAppTokenStatus;
  switch (snapshot.value) {
    case 'marking':
    case 'requesting':
      status = 'coolingDown';
      break;
    case 'storing':
      status = context.settleTo ?? context.restoreTo;
      break;
    case 'restore':
      status = context.restoreTo;
      break;
    default:
      status = snapshot.value as StableAppTokenStatus;
  }
  const record: Mutable<AppTokenRecord> = { v: RECORD_VERSION, kind: 'app', status };
  if (status === 'active' && context.token !== undefined) record.token = copyTokens(context.token);
  if (context.lastRequestAt !== undefined) record.lastRequestAt = context.lastRequestAt;
  if (status === 'coolingDown') {
    record.retryAt =
      snapshot.value === 'marking' ||
      snapshot.value === 'requesting' ||
      context.retryAt === undefined
        ? (context.lastRequestAt ?? 0) + APP_TOKEN_COOLDOWN_MS
        : context.retryAt;
  }
  if (context.error !== undefined) {
    record.error = { code: context.error.code, message: context.error.message };
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// Reading

class RecordProblem extends Error {}

function fail(what: string): never {
  throw new RecordProblem(what);
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function onlyKeys(object: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`${what} has an unknown field "${key.slice(0, 32)}"`);
  }
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${what} is not a non-empty string`);
  return value;
}

function time(value: unknown, what: string): number {
  if (!isTime(value)) fail(`${what} is not a finite number`);
  return value;
}

function readTokens(value: unknown, what: string): TokenSet {
  const o = objectOf(value, what);
  onlyKeys(o, ['accessToken', 'tokenType', 'refreshToken', 'expiresAt', 'obtainedAt'], what);
  if (o.tokenType !== 'bearer') fail(`${what}.tokenType is not "bearer"`);
  const tokens: Mutable<TokenSet> = {
    accessToken: text(o.accessToken, `${what}.accessToken`),
    tokenType: 'bearer',
    obtainedAt: time(o.obtainedAt, `${what}.obtainedAt`),
  };
  if (o.refreshToken !== undefined)
    tokens.refreshToken = text(o.refreshToken, `${what}.refreshToken`);
  if (o.expiresAt !== undefined) tokens.expiresAt = time(o.expiresAt, `${what}.expiresAt`);
  return tokens;
}

function readPending(value: unknown): PendingAuthorization {
  const o = objectOf(value, 'pending');
  onlyKeys(o, ['state', 'redirectUri', 'expiresAt'], 'pending');
  const state = text(o.state, 'pending.state');
  const expiresAt = time(o.expiresAt, 'pending.expiresAt');
  if (o.redirectUri === undefined) return { state, expiresAt };
  if (typeof o.redirectUri !== 'string') fail('pending.redirectUri is not a string');
  return { state, redirectUri: o.redirectUri, expiresAt };
}

function readError(value: unknown): RecordedError {
  const o = objectOf(value, 'error');
  onlyKeys(o, ['code', 'message'], 'error');
  if (typeof o.code !== 'string' || !Object.hasOwn(ERROR_CODES, o.code)) {
    fail('error.code is not a known error code');
  }
  if (typeof o.message !== 'string') fail('error.message is not a string');
  return { code: o.code as ErrorCode, message: o.message };
}

function readHeader(value: unknown, kind: 'session' | 'app'): Record<string, unknown> {
  const o = objectOf(value, 'the record');
  if (!('v' in o)) fail('the record has no version "v": it is not an hh-oauth record');
  if (o.v !== RECORD_VERSION) {
    if (typeof o.v === 'number' && Number.isInteger(o.v) && o.v > RECORD_VERSION) {
      fail(
        `the record is version ${o.v}, newer than this @hh-oauth/core reads (${RECORD_VERSION}): upgrade @hh-oauth/core`,
      );
    }
    fail(`the record version is not ${RECORD_VERSION}`);
  }
  if (o.kind !== kind) fail(`the record is not a ${kind} record`);
  return o;
}

function guarded<T>(reader: string, read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if (isHhOAuthError(cause)) throw cause;
    const detail = cause instanceof RecordProblem ? cause.message : 'the record cannot be read';
    throw new ConfigurationError('invalid_argument', `${reader}: ${detail}`, { cause });
  }
}

const SESSION_STATUSES: readonly StableSessionStatus[] = [
  'idle',
  'authorizing',
  'authorized',
  'signedOut',
  'failed',
  'stale',
];
const SESSION_KEYS = [
  'v',
  'kind',
  'status',
  'tokens',
  'pending',
  'usedRefreshTokens',
  'error',
  'retryAt',
];

/**
 * Validates a stored session record (untrusted JSON) and returns the input that starts
 * `sessionMachine` in the state it describes:
 * `createActor(sessionMachine.provide(…), { input: fromRecord(json) })`.
 *
 * @throws {ConfigurationError} `invalid_argument` for anything that is not a valid version-1
 *   session record, including a newer version (the message says to upgrade); never another type.
 */
export function fromRecord(
  value: unknown,
  options: Omit<SessionInput, 'record'> = {},
): SessionInput & { readonly record: SessionRecord } {
  const record = guarded('fromRecord', () => readSessionRecord(value));
  return { ...options, record };
}

function readSessionRecord(value: unknown): SessionRecord {
  const o = readHeader(value, 'session');
  onlyKeys(o, SESSION_KEYS, 'the record');
  const status = o.status as StableSessionStatus;
  if (!SESSION_STATUSES.includes(status)) fail('the record has an unknown status');
  const record: Mutable<SessionRecord> = { v: RECORD_VERSION, kind: 'session', status };
  const needsTokens = status === 'authorized' || status === 'stale';
  if (needsTokens !== (o.tokens !== undefined)) {
    fail(needsTokens ? `a ${status} record needs tokens` : `a ${status} record holds no tokens`);
  }
  if (o.tokens !== undefined) record.tokens = readTokens(o.tokens, 'tokens');
  if ((status === 'authorizing') !== (o.pending !== undefined)) {
    fail('pending is present exactly when the status is authorizing');
  }
  if (o.pending !== undefined) record.pending = readPending(o.pending);
  if (o.usedRefreshTokens !== undefined) {
    const used = o.usedRefreshTokens;
    if (!Array.isArray(used) || used.length > MAX_USED_REFRESH_TOKENS) {
      fail(`usedRefreshTokens is not an array of at most ${MAX_USED_REFRESH_TOKENS} tokens`);
    }
    const tokens = used.map((t, i) => text(t, `usedRefreshTokens[${i}]`));
    if (tokens.length > 0) record.usedRefreshTokens = tokens;
  }
  if (o.error !== undefined) record.error = readError(o.error);
  else if (status === 'failed' || status === 'stale') fail(`a ${status} record needs an error`);
  if (o.retryAt !== undefined) record.retryAt = time(o.retryAt, 'retryAt');
  return record;
}

const APP_STATUSES: readonly StableAppTokenStatus[] = ['none', 'active', 'coolingDown', 'failed'];
const APP_KEYS = ['v', 'kind', 'status', 'token', 'lastRequestAt', 'retryAt', 'error'];

/**
 * Validates a stored app token record and returns the input that starts `appTokenMachine` there.
 *
 * @throws {ConfigurationError} `invalid_argument`, as {@link fromRecord}.
 */
export function fromAppTokenRecord(value: unknown): AppTokenInput & {
  readonly record: AppTokenRecord;
} {
  return { record: guarded('fromAppTokenRecord', () => readAppTokenRecord(value)) };
}

function readAppTokenRecord(value: unknown): AppTokenRecord {
  const o = readHeader(value, 'app');
  onlyKeys(o, APP_KEYS, 'the record');
  const status = o.status as StableAppTokenStatus;
  if (!APP_STATUSES.includes(status)) fail('the record has an unknown status');
  const record: Mutable<AppTokenRecord> = { v: RECORD_VERSION, kind: 'app', status };
  if ((status === 'active') !== (o.token !== undefined)) {
    fail('token is present exactly when the status is active');
  }
  if (o.token !== undefined) record.token = readTokens(o.token, 'token');
  if (o.lastRequestAt !== undefined) record.lastRequestAt = time(o.lastRequestAt, 'lastRequestAt');
  if ((status === 'coolingDown') !== (o.retryAt !== undefined)) {
    fail('retryAt is present exactly when the status is coolingDown');
  }
  if (o.retryAt !== undefined) record.retryAt = time(o.retryAt, 'retryAt');
  if (o.error !== undefined) record.error = readError(o.error);
  else if (status === 'failed') fail('a failed record needs an error');
  return record;
}

const PENDING_KEYS = ['v', 'kind', 'sessionId', 'state', 'redirectUri', 'createdAt'];

/**
 * Validates a stored pending authorization (untrusted JSON): what `startAuthorization` stored
 * under its `state` for the callback to consume.
 *
 * @throws {ConfigurationError} `invalid_argument` for anything that is not a valid version-1
 *   pending authorization; never another type.
 */
export function fromPendingRecord(value: unknown): PendingAuthorizationRecord {
  return guarded('fromPendingRecord', () => {
    const o = objectOf(value, 'the record');
    if (o.v !== RECORD_VERSION) fail(`the record is not version ${RECORD_VERSION}`);
    // Records written before `kind` existed carry none.
    if (o.kind !== undefined && o.kind !== 'pending') fail('the record is not a pending one');
    onlyKeys(o, PENDING_KEYS, 'the record');
    const record: Mutable<PendingAuthorizationRecord> = {
      v: RECORD_VERSION,
      kind: 'pending',
      sessionId: text(o.sessionId, 'sessionId'),
      state: text(o.state, 'state'),
      createdAt: time(o.createdAt, 'createdAt'),
    };
    if (o.redirectUri !== undefined) record.redirectUri = text(o.redirectUri, 'redirectUri');
    return record;
  });
}
