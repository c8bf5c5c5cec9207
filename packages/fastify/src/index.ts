/** @hh-oauth/fastify — "Sign in with hh.ru" for Fastify, over @hh-oauth/web. */
export type { HhSession, HhWebOptions, Me } from '@hh-oauth/web';
export type { HhFastifyOptions } from './fastify.js';
export { hhOAuthPlugin } from './fastify.js';
