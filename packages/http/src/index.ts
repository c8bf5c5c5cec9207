/**
 * @hh-oauth/http — the hh.ru OAuth transport: the core machines' effects over HTTP (on ky) and
 * authorized API calls. Web APIs only (fetch, URL, AbortSignal): Node, browsers, edge, Bun, Deno.
 */

export type {
  ApiRequestInit,
  CallOptions,
  HttpTransportOptions,
  RetryOptions,
} from './options.js';
export type { HttpTransport } from './transport.js';
export { createHttpTransport } from './transport.js';
export type { UserAgentHeader } from './user-agent.js';
export { checkUserAgent, defaultUserAgentHeader } from './user-agent.js';
