/**
 * @hh-oauth/web — "Sign in with hh.ru" on Web-standard `Request`/`Response`: runs in Node, Bun,
 * Deno, edge workers and Next.js route handlers, with any token store behind the client.
 */

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
} from '@hh-oauth/core';
export type { CookieSettings } from './cookies.js';
export { clearCookie, cookieName, readCookies, serializeCookie } from './cookies.js';
export type { HhWebOptions, HhWebPaths } from './options.js';
export { DEFAULT_SESSION_MAX_AGE_SECONDS, STATE_MAX_AGE_SECONDS } from './options.js';
export { crossSiteRefused, isSameOrigin } from './origin.js';
export type { Signer } from './signer.js';
export { createSigner, MIN_SECRET_LENGTH } from './signer.js';
export type { ApiRequestInit, HhSession, HhWeb } from './web.js';
export { createHhWeb } from './web.js';
