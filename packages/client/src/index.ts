/**
 * @hh-oauth/client — the hh.ru OAuth runtime: `createHhOAuth(options)` drives the core machines
 * over the HTTP transport and keeps sessions in a token store, so that a single-use refresh token
 * is never lost to a race, a crash or a store blip, in one process or across many.
 */

export type { ApiRequestInit } from '@hh-oauth/http';
export type { StartAuthorizationOptions } from './authorization.js';
export type { HhOAuth, Transition } from './client.js';
export { createHhOAuth } from './client.js';
export type { HhOAuthEvent, MachineName, RequestName } from './events.js';
export type { LockSettings } from './lock.js';
export { DEFAULT_LOCK } from './lock.js';
export type { HhOAuthOptions } from './options.js';
export type { PendingRecord } from './records.js';
