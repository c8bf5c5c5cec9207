/**
 * @hh-oauth/core — hh.ru's OAuth 2.0 rules as pure functions and xstate machines.
 * Web-standard APIs only: runs unchanged in Node, browsers, edge workers, Bun and Deno.
 */
export { parseApiError } from './api-error.js';
// The answer processors a transport hands its HTTP answers to (status, headers, body).
export type { ApiResponseOptions } from './api-response.js';
export { processApiResponse, processTokenInvalidation } from './api-response.js';
export type { AuthorizeUrlOptions } from './authorize.js';
export { buildAuthorizeUrl, createState, DEFAULT_AUTHORIZE_URL } from './authorize.js';
export type { AuthorizationCode, CallbackOptions } from './callback.js';
export { parseCallback, readCallbackUrl } from './callback.js';
export type { ApiErrorEntry, ErrorCode, HhOAuthErrorOptions, Recovery } from './errors.js';
export {
  ApiError,
  CallbackError,
  ConfigurationError,
  ERROR_CODES,
  HhOAuthError,
  hasErrorCode,
  isHhOAuthError,
  TokenEndpointError,
  TransportError,
} from './errors.js';
// hh.ru's answers the product touches (`GET /me`, manager accounts, the API error body).
export type {
  ApiErrorBody,
  ApplicantMe,
  ApplicationMe,
  EmployerMe,
  ManagerAccount,
  ManagerAccounts,
  Me,
  MeEmployer,
  MeManager,
} from './hh-answers.js';
export type { HttpAnswer } from './http-answer.js';
export * from './machines/index.js';
export type {
  ParsedRedirectUri,
  RedirectUriRejection,
  RedirectUriVerdict,
} from './redirect-uri.js';
export { parseRedirectUri, validateRedirectUri } from './redirect-uri.js';
export type { TokenResponseOptions } from './token-response.js';
export { parseTokenResponse, processTokenResponse } from './token-response.js';
export type { TokenSet } from './types.js';
