import {
  ApiError,
  ConfigurationError,
  MAX_RESPONSE_CHARS,
  parseApiError,
  parseTokenResponse,
  type TokenSet,
  TransportError,
} from '@hh-oauth/core';
import ky, { type KyInstance } from 'ky';
import { readCapped } from './body.js';
import { failedBeforeSending, toTransportError } from './failure.js';
import { checkUserAgent, defaultUserAgentHeader, type UserAgentHeader } from './user-agent.js';

export interface RetryOptions {
  /** Retries after the first attempt, for idempotent API calls on 5xx/429 and network errors. Default 2. */
  readonly limit?: number;
  /** First backoff step in ms (doubled each time, with full jitter). Default 200. */
  readonly baseDelayMs?: number;
  /** No single wait is longer; a longer `Retry-After` is not waited for. Default 5000. */
  readonly maxDelayMs?: number;
  /**
   * Token requests are never retried once they may have reached hh.ru (codes and refresh tokens
   * are single-use; the app token is rate-limited). Only a failure before sending (connection
   * refused, DNS) is retried, this many times. Default 1.
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
  /** Per request, including reading the body. Default 10,000 ms. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Largest API response body accepted. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** The clock stamped on token sets (`obtainedAt`, `expiresAt`). Default `Date.now`. */
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

/** The effects the core's machines name, over HTTP, plus authorized API calls. */
export interface HttpTransport {
  /** `grant_type=authorization_code`. Send `redirectUri` exactly when it went to `/oauth/authorize`. */
  exchangeCode(
    input: { code: string; redirectUri?: string | undefined },
    options?: CallOptions,
  ): Promise<TokenSet>;
  /** `grant_type=refresh_token`. Never retried: a refresh token works once. */
  refreshTokens(input: { refreshToken: string }, options?: CallOptions): Promise<TokenSet>;
  /** `grant_type=client_credentials`. Never retried: a second request within 5 minutes is refused. */
  requestAppToken(options?: CallOptions): Promise<TokenSet>;
  /** `DELETE /oauth/token`: invalidates the user's access and refresh tokens. */
  invalidateToken(input: { accessToken: string }, options?: CallOptions): Promise<void>;
  /** An authorized API call; the parsed JSON, or undefined for an empty answer. */
  api<T = unknown>(accessToken: string, path: string, init?: ApiRequestInit): Promise<T>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How one try of an API call ended: with a value, or with a wait before the next try. */
type Attempt<T> =
  | { readonly done: true; readonly value: T }
  | { readonly done: false; readonly waitMs: number | undefined };

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

/** Waits between tries; the caller's abort ends the wait with a typed error. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const aborted = () =>
      new TransportError('network_error', 'the call was aborted', { recovery: 'none' });
    if (signal?.aborted) return reject(aborted());
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(aborted());
      },
      { once: true },
    );
  });

/**
 * A deadline for one request, body included: an AbortController and a plain timer, cleared when
 * the request ends. Cheaper than `AbortSignal.timeout` (no weak timer to finalize per call),
 * which matters on the API's hot path.
 */
function deadline(timeoutMs: number, signal: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')),
    timeoutMs,
  );
  return {
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    done: () => clearTimeout(timer),
  };
}

/** Seconds or an HTTP date, as ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Creates the HTTP transport.
 *
 * - Token grants go through ky (request building, hooks, error normalization) with ky's retries off:
 *   a single-use code or refresh token must never be sent twice.
 * - API calls, the hot path, go straight to `fetch` with a prepared header object: ky clones a
 *   Request per call to prepare retries, which costs more than the call on loopback.
 * - Every failure is an `HhOAuthError`; none carries a secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 RFC 6749 §4.1.3: access token request
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6: refreshing
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 RFC 6749 §4.4: client credentials
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: bearer header
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: authorization
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const userAgent = checkUserAgent(options?.userAgent);
  const userAgentHeader = options.userAgentHeader ?? defaultUserAgentHeader();
  const oauthBase = baseUrl(options.oauthBaseUrl ?? 'https://hh.ru', 'oauthBaseUrl');
  const apiBase = baseUrl(options.apiBaseUrl ?? 'https://api.hh.ru', 'apiBaseUrl');
  const tokenPath = options.tokenPath ?? '/oauth/token';
  if (!tokenPath.startsWith('/')) {
    throw new ConfigurationError('invalid_argument', 'tokenPath must start with /');
  }
  const tokenUrl = oauthBase + tokenPath;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? Date;
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  const retry = {
    limit: options.retry?.limit ?? 2,
    baseDelayMs: options.retry?.baseDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 5000,
    tokenConnectLimit: options.retry?.tokenConnectLimit ?? 1,
  };

  const client: KyInstance = ky.create({
    fetch: fetchImpl,
    // One deadline per request, body included, comes from `deadline()`; ky's own would be a second.
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    headers: { [userAgentHeader]: userAgent, Accept: 'application/json' },
  });

  const backoff = (attempt: number) =>
    Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt) * Math.random();

  async function tokenRequest(
    what: string,
    form: Record<string, string>,
    call?: CallOptions,
  ): Promise<TokenSet> {
    for (let attempt = 0; ; attempt++) {
      const limit = deadline(timeoutMs, call?.signal);
      let response: Response;
      let text: string;
      try {
        try {
          response = await client.post(tokenUrl, {
            body: new URLSearchParams(form),
            signal: limit.signal,
          });
        } catch (error) {
          if (attempt < retry.tokenConnectLimit && failedBeforeSending(error)) {
            await sleep(backoff(attempt), call?.signal);
            continue;
          }
          throw toTransportError(error, what);
        }
        try {
          text = await readCapped(response, MAX_RESPONSE_CHARS);
        } catch (error) {
          throw toTransportError(error, what);
        }
      } finally {
        limit.done();
      }
      return parseTokenResponse(response.status, text, { now: clock.now() });
    }
  }

  function credentials(what: string): { client_id: string; client_secret: string } {
    const { clientId, clientSecret } = options;
    if (!clientId || !clientSecret) {
      throw new ConfigurationError('invalid_argument', `${what} needs clientId and clientSecret`);
    }
    return { client_id: clientId, client_secret: clientSecret };
  }

  const transport: HttpTransport = {
    async exchangeCode(input, call) {
      const form: Record<string, string> = {
        grant_type: 'authorization_code',
        ...credentials('exchangeCode'),
        code: input.code,
      };
      if (input.redirectUri !== undefined) form['redirect_uri'] = input.redirectUri;
      return tokenRequest('the authorization_code token request', form, call);
    },

    async refreshTokens(input, call) {
      return tokenRequest(
        'the refresh_token token request',
        { grant_type: 'refresh_token', refresh_token: input.refreshToken },
        call,
      );
    },

    async requestAppToken(call) {
      return tokenRequest(
        'the client_credentials token request',
        { grant_type: 'client_credentials', ...credentials('requestAppToken') },
        call,
      );
    },

    async invalidateToken({ accessToken }, call) {
      const limit = deadline(timeoutMs, call?.signal);
      try {
        let response: Response;
        try {
          response = await client.delete(`${apiBase}/oauth/token`, {
            headers: { Authorization: `Bearer ${accessToken}` },
            signal: limit.signal,
          });
        } catch (error) {
          throw toTransportError(error, 'DELETE /oauth/token');
        }
        if (response.status === 204 || response.status === 200) {
          await response.body?.cancel();
          return;
        }
        const text = await readCapped(response, MAX_RESPONSE_CHARS).catch(() => '');
        throw parseApiError(response.status, text);
      } finally {
        limit.done();
      }
    },

    async api<T>(accessToken: string, path: string, init: ApiRequestInit = {}): Promise<T> {
      if (typeof path !== 'string' || !path.startsWith('/')) {
        throw new ConfigurationError('invalid_argument', 'api(): path must start with /');
      }
      let url = apiBase + path;
      if (init.query) {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(init.query)) {
          if (value !== undefined) params.append(key, String(value));
        }
        const qs = params.toString();
        if (qs) url += (path.includes('?') ? '&' : '?') + qs;
      }
      const method = (init.method ?? 'GET').toUpperCase();
      const headers: Record<string, string> = {
        ...init.headers,
        [userAgentHeader]: userAgent,
        Accept: 'application/json',
        Authorization: `Bearer ${accessToken}`,
      };
      if (init.managerAccountId !== undefined)
        headers['X-Manager-Account-Id'] = init.managerAccountId;
      let body: string | undefined;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['Content-Type'] = 'application/json';
      }
      const idempotent = IDEMPOTENT.has(method);
      const what = `${method} ${path.split('?')[0]}`;

      for (let attempt = 0; ; attempt++) {
        const canRetry = idempotent && attempt < retry.limit;
        const call = deadline(timeoutMs, init.signal);
        let outcome: Attempt<T>;
        try {
          outcome = await attemptOnce<T>(
            url,
            { method, headers, body: body ?? null, signal: call.signal },
            what,
            canRetry,
          );
        } finally {
          call.done();
        }
        if (outcome.done) return outcome.value;
        await sleep(outcome.waitMs ?? backoff(attempt), init.signal);
      }
    },
  };
  return transport;

  /** One try of an API call: its value, or how long to wait before the next try. */
  async function attemptOnce<T>(
    url: string,
    request: RequestInit,
    what: string,
    canRetry: boolean,
  ): Promise<Attempt<T>> {
    let response: Response;
    try {
      response = await fetchImpl(url, request);
    } catch (error) {
      const userAborted =
        request.signal?.aborted && (request.signal.reason as Error)?.name !== 'TimeoutError';
      if (canRetry && !userAborted) return { done: false, waitMs: undefined };
      throw toTransportError(error, what);
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      let text: string;
      try {
        text = status === 204 ? '' : await readCapped(response, maxResponseBytes);
      } catch (error) {
        throw toTransportError(error, what);
      }
      if (text === '') return { done: true, value: undefined as T };
      try {
        return { done: true, value: JSON.parse(text) as T };
      } catch {
        throw new TransportError('invalid_response', `${what} answered with invalid JSON`, {
          status,
        });
      }
    }
    if (status >= 500 || status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
      if (canRetry && (wait === undefined || wait <= retry.maxDelayMs)) {
        await response.body?.cancel();
        return { done: false, waitMs: wait };
      }
      if (status === 429) {
        await response.body?.cancel();
        const retryAt = wait === undefined ? {} : { retryAt: clock.now() + wait };
        throw new ApiError('api_error', `${what} was rate-limited (429)`, {
          status,
          recovery: 'retry_later',
          ...retryAt,
        });
      }
    }
    const text = await readCapped(response, maxResponseBytes).catch(() => '');
    throw parseApiError(status, text);
  }
}
