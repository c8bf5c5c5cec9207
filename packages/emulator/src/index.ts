/**
 * @hh-oauth/emulator — hh.ru in a box: the authorize pages, the token endpoint, the API and the
 * developer console on 127.0.0.1, with the clock, user states and faults under a test's control.
 */
export type { Clock } from './clock.js';
export type {
  AccountChooser,
  AppConfig,
  BasicAuthPolicy,
  ConfigOptions,
  UserConfig,
} from './config.js';
export { parseConfig } from './config.js';
export type {
  EmulatorControls,
  EmulatorStats,
  RegisterAppInput,
  RegisteredApp,
  UserFlags,
} from './controls.js';
export { EmulatorInputError } from './errors.js';
export type { FaultKind, FaultSpec } from './faults.js';
export type { AppAudience, AppRole, TokenStats } from './model.js';
export type { RequestLogEntry, RequestLogFilter } from './request-log.js';
export { REQUEST_LOG_LIMIT } from './request-log.js';
export type { SeededUser } from './seed.js';
export { APPLICANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EMPLOYER } from './seed.js';
export type { Emulator, EmulatorOptions } from './server.js';
export { startEmulator } from './server.js';
export {
  APP_TOKEN_COOLDOWN_MS,
  DEFAULT_CODE_TTL_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_USER_AGENT_BLACKLIST,
} from './state.js';
export type { StubAuth, StubRouteSpec } from './stub-routes.js';
export { EMULATOR_VERSION } from './version.js';
