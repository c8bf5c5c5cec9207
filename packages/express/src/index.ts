/** @hh-oauth/express — "Sign in with hh.ru" for Express, over @hh-oauth/web. */
export type { HhSession, HhWebOptions, Me } from '@hh-oauth/web';
export type { HhExpress, HhExpressOptions } from './express.js';
export { createHhExpress, sendWebResponse, toWebRequest } from './express.js';
