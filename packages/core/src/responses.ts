/**
 * The transport moves bytes; the core interprets them. A transport hands each HTTP exchange over
 * as an {@link HttpAnswer} (status, headers, body text) and these pure processors turn it into a
 * token set, an API value or a typed error, with the caller's clock passed in as `now`.
 */
export type { ApiResponseOptions } from './api-response.js';
export { processApiResponse, processTokenInvalidation } from './api-response.js';
export type { HttpAnswer } from './http-answer.js';
export { isRedirect, redirectRefused, retryAfterMs } from './http-answer.js';
export { processTokenResponse } from './token-response.js';
