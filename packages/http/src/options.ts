import { ConfigurationError } from '@hh-oauth/core';
import { checkUserAgent, defaultUserAgentHeader, type UserAgentHeader } from './user-agent.js';

export interface RetryOptions {
  /** Retries after the first try, for idempotent API calls on 5xx, 429, timeouts and network errors. Default 2. */
  readonly limit?: number;
  /** First backoff step in ms (doubled each time, with full jitter). Default 200. */
  readonly baseDelayMs?: number;
  /** No single wait is longer; a longer `Retry-After` is not waited for. Default 5000. */
  readonly maxDelayMs?: number;
  /**
   * Token requests and `DELETE /oauth/token` are never retried once they may have reached hh.ru
   * (codes and refresh tokens are single-use; the app token is rate-limited). Only a connection
   * refused before sending (or a DNS failure) is retried, this many times. Default 1.
   */
  readonly tokenConnectLimit?: number;
}

export interface HttpTransportOptions {
  /** Where `/oauth/token` lives. Default `https://hh.ru`. */
  readonly oauthBaseUrl?: string;
  /** The API. Default `https://api.hh.ru`. */
  readonly apiBaseUrl?: string;
  /** Default `/oauth/token`; hh.ru's newer OpenAPI documents `/token` on the API host too. */
  readonly tokenPath?: string;
  /** Required: `MyApp/1.0 (my-app-feedback@example.com)`. */
  readonly userAgent: string;
  /** Default `User-Agent`, or `HH-User-Agent` in browsers, which cannot set User-Agent. */
  readonly userAgentHeader?: UserAgentHeader;
  /** Needed for the authorization-code and client-credentials grants. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** A fetch to use instead of the global one. */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * One try's deadline, from sending to the last byte of the body: the call then rejects with
   * `timeout`, whatever the network or the fetch does. Default 10,000 ms. A token call or
   * `invalidateToken` settles within it (its connect retries included); an `api()` call within
   * `(limit + 1) × timeoutMs` plus its waits (each ≤ `maxDelayMs`).
   */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Largest API response body accepted, in decoded bytes. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** The clock stamped on token sets (`obtainedAt`, `expiresAt`) and on `retryAt`. Default `Date.now`. */
  readonly clock?: { now(): number };
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface ApiRequestInit extends CallOptions {
  readonly method?: string;
  /** Appended to the path as a query string. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Act as one of an employer manager's work accounts (`X-Manager-Account-Id`). */
  readonly managerAccountId?: string;
}

/** The options, checked, with every default filled in. */
export interface Settings {
  readonly userAgent: string;
  readonly userAgentHeader: UserAgentHeader;
  /** `POST` here for every grant (RFC 6749 §3.2). */
  readonly tokenUrl: string;
  /** hh.ru's `DELETE /oauth/token`, on the API host. */
  readonly invalidateUrl: string;
  readonly apiBase: string;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly clock: { now(): number };
  readonly retry: Required<RetryOptions>;
}

function baseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new ConfigurationError('invalid_argument', `${name} is not an absolute URL`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('invalid_argument', `${name} must be http(s)`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Timers cannot wait longer: a longer delay fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

function count(value: number | undefined, fallback: number, name: string, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min && value <= MAX_TIMER_MS)) {
    throw new ConfigurationError(
      'invalid_argument',
      `${name} must be a number from ${min} to ${MAX_TIMER_MS}`,
    );
  }
  return value;
}

export function resolveSettings(options: HttpTransportOptions): Settings {
  const userAgent = checkUserAgent(options?.userAgent);
  const tokenPath = options.tokenPath ?? '/oauth/token';
  if (!tokenPath.startsWith('/')) {
    throw new ConfigurationError('invalid_argument', 'tokenPath must start with /');
  }
  const retry = options.retry ?? {};
  const apiBase = baseUrl(options.apiBaseUrl ?? 'https://api.hh.ru', 'apiBaseUrl');
  return {
    userAgent,
    userAgentHeader: options.userAgentHeader ?? defaultUserAgentHeader(),
    tokenUrl: baseUrl(options.oauthBaseUrl ?? 'https://hh.ru', 'oauthBaseUrl') + tokenPath,
    invalidateUrl: `${apiBase}/oauth/token`,
    apiBase,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: count(options.timeoutMs, 10_000, 'timeoutMs', 1),
    maxResponseBytes: count(options.maxResponseBytes, 1024 * 1024, 'maxResponseBytes'),
    clock: options.clock ?? Date,
    retry: {
      limit: count(retry.limit, 2, 'retry.limit'),
      baseDelayMs: count(retry.baseDelayMs, 200, 'retry.baseDelayMs'),
      maxDelayMs: count(retry.maxDelayMs, 5000, 'retry.maxDelayMs'),
      tokenConnectLimit: count(retry.tokenConnectLimit, 1, 'retry.tokenConnectLimit'),
    },
  };
}
