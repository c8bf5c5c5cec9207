/** @hh-oauth/hono — "Sign in with hh.ru" for Hono, over @hh-oauth/web. */
export type { HhSession, HhWebOptions, Me } from '@hh-oauth/web';
export type { HhHono, HhHonoOptions, HhVariables } from './hono.js';
export { createHhHono } from './hono.js';
