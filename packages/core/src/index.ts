/**
 * @hh-oauth/core — hh.ru's OAuth 2.0 rules as pure functions and xstate machines.
 * Web-standard APIs only: runs unchanged in Node, browsers, edge workers, Bun and Deno.
 */
export { parseApiError } from './api-error.js';
export type { AuthorizeUrlOptions } from './authorize.js';
export {
  buildAuthorizeUrl,
  createState,
  DEFAULT_AUTHORIZE_URL,
  timingSafeEqual,
} from './authorize.js';
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
export * from './machines/index.js';
export type {
  ParsedRedirectUri,
  RedirectUriRejection,
  RedirectUriVerdict,
} from './redirect-uri.js';
export { parseRedirectUri, validateRedirectUri } from './redirect-uri.js';
// The answer processors a transport hands its HTTP answers to (status, headers, body).
export * from './responses.js';
export type { TokenResponseOptions } from './token-response.js';
export {
  MAX_RESPONSE_CHARS,
  parseJsonObject,
  parseTokenResponse,
  tokenEndpointError,
} from './token-response.js';
export type { TokenSet } from './types.js';
