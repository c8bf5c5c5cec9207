/**
 * @hh-oauth/testkit — fast-check arbitraries for hh.ru OAuth and a model-based harness that runs
 * `sessionMachine` against a reference model of hh.ru's server rules under simulated clocks.
 */
export type { HttpAnswer, TokenErrorRow } from './arbitraries/answers.js';
export {
  API_OAUTH_ERRORS,
  apiErrorAnswerArb,
  apiOauthErrorAnswer,
  callbackUrlArb,
  malformedTokenAnswerArb,
  skewedClockArb,
  TOKEN_ENDPOINT_ERRORS,
  tokenAnswerArb,
  tokenErrorAnswer,
  tokenErrorAnswerArb,
} from './arbitraries/answers.js';
export type { HostileRedirectKind } from './arbitraries/redirect-uri.js';
export { hostileRedirectUriArb, validRedirectUriArb } from './arbitraries/redirect-uri.js';
export { AdvanceClockCommand } from './model/commands/advance-clock.js';
export { CallApiCommand } from './model/commands/call-api.js';
export type { SessionCommand } from './model/commands/command.js';
export type { CallbackVariant } from './model/commands/complete-authorization.js';
export { CompleteAuthorizationCommand } from './model/commands/complete-authorization.js';
export { InjectFaultCommand } from './model/commands/inject-fault.js';
export { JumpClockCommand } from './model/commands/jump-clock.js';
export { ReloadCommand } from './model/commands/reload.js';
export { RequestTokenCommand } from './model/commands/request-token.js';
export { RevokeCommand } from './model/commands/revoke.js';
export { SignInCommand } from './model/commands/sign-in.js';
export { StartAuthorizationCommand } from './model/commands/start-authorization.js';
export { UserRevokesCommand } from './model/commands/user-revokes.js';
export type { CheckSessionModelOptions, SessionCommandsOptions } from './model/harness.js';
export {
  checkSessionModel,
  runSessionModel,
  sessionCommandArbs,
  sessionCommands,
  worldOptionsArb,
} from './model/harness.js';
export type { Fault, HhModelOptions, ModelRequest } from './model/hh-model.js';
export { HhModel } from './model/hh-model.js';
export { assertSessionInvariants, InvariantError } from './model/invariants.js';
export type { EffectCall, WorldOptions } from './model/world.js';
export { SessionWorld } from './model/world.js';
