/**
 * @hh-oauth/core/authorize — what a browser (or any page) needs to start a sign-in and read its
 * callback, and nothing else: the authorize URL, `state`, the callback parser and the error
 * types. No machines, no redirect_uri validator: a few KB, without xstate.
 */
export type { AuthorizeUrlOptions } from '../authorize.js';
export { buildAuthorizeUrl, createState, DEFAULT_AUTHORIZE_URL } from '../authorize.js';
export type { AuthorizationCode, CallbackOptions } from '../callback.js';
export { parseCallback, readCallbackUrl } from '../callback.js';
export type { ErrorCode, HhOAuthErrorOptions, Recovery } from '../errors.js';
export {
  CallbackError,
  ConfigurationError,
  HhOAuthError,
  hasErrorCode,
  isHhOAuthError,
} from '../errors.js';
