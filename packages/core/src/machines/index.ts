/**
 * The lifecycle machines (xstate v5, pure: events carry `now`, effects are named actors the
 * caller provides) and their storage records. See the package README, "Using the machines".
 */
export type {
  AppTokenContext,
  AppTokenEvent,
  AppTokenInput,
  AppTokenMachine,
  RequestAppTokenInput,
} from './app-token.js';
export { APP_TOKEN_COOLDOWN_MS, appTokenMachine } from './app-token.js';
export { isSettled } from './constants.js';
export { supersedes } from './reconcile.js';
export type {
  AccessTokenResult,
  AccessTokenUnavailable,
  AppTokenSnapshotLike,
  SessionSnapshotLike,
} from './record.js';
export {
  accessTokenFor,
  fromAppTokenRecord,
  fromPendingRecord,
  fromRecord,
  RECORD_VERSION,
  toAppTokenRecord,
  toRecord,
  usableAccessToken,
} from './record.js';
export type { SessionContext, SessionEvent, SessionInput, SessionMachine } from './session.js';
export {
  DEFAULT_AUTHORIZATION_TTL_MS,
  DEFAULT_RETRY_DELAY_MS,
  MAX_USED_REFRESH_TOKENS,
  sessionMachine,
} from './session.js';
export type {
  AppTokenRecord,
  AppTokenStatus,
  ExchangeCodeInput,
  InvalidateTokenInput,
  PendingAuthorization,
  PendingAuthorizationRecord,
  RecordedError,
  RefreshTokensInput,
  SaveAppTokenInput,
  SaveSessionInput,
  SessionRecord,
  SessionStatus,
  StableAppTokenStatus,
  StableSessionStatus,
} from './types.js';
