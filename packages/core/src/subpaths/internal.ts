/**
 * @hh-oauth/core/internal — building blocks that hh-oauth's own packages share: a transport's
 * answer helpers (`@hh-oauth/http` uses them) and a constant-time comparison (the client and the
 * emulator compare `state`s with it). Not part of the documented API: a minor release may change
 * them. A custom transport should hand its answers to `processTokenResponse` and friends from
 * `@hh-oauth/core` instead.
 */
export { timingSafeEqual } from '../authorize.js';
export { isRedirect, redirectRefused, retryAfterMs } from '../http-answer.js';
export { MAX_RESPONSE_CHARS, parseJsonObject, tokenEndpointError } from '../token-response.js';
