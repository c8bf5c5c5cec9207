import { ConfigurationError, type HttpAnswer, processApiResponse } from '@hh-oauth/core';
import { retryAfterMs } from '@hh-oauth/core/internal';
import { readCapped } from './body.js';
import { type Cutoff, Deadlines, sleep, withDeadline } from './deadline.js';
import { blockedPort, toTransportError } from './failure.js';
import type { ApiRequestInit, Settings } from './options.js';
import { backoffMs, IDEMPOTENT, retriableStatus } from './retry.js';

export type ApiCall = <T = unknown>(
  accessToken: string,
  path: string,
  init?: ApiRequestInit,
) => Promise<T>;

/** A try that asks for another, after `waitMs` (from `Retry-After`) or the backoff. */
interface Retry {
  readonly retry: true;
  readonly waitMs: number | undefined;
}

/** How one try ended: the answer to hand to the core, or a retry. */
type Try = HttpAnswer | Retry;

const RETRY: Retry = { retry: true, waitMs: undefined };

/**
 * Authorized API calls: the bearer token in the Authorization header (RFC 6750 §2.1), bounded
 * retries for idempotent methods, one deadline per try covering the body, a cap on decoded bytes,
 * and the answer handed to the core's `processApiResponse`.
 *
 * This is the one path that calls fetch directly rather than through ky: ky builds a `Request`,
 * clones it for its retries and has fetch wrap it in a third, each following an AbortSignal,
 * which costs a loopback call about a quarter of its time and throughput (`bench/api.bench.mjs`
 * measures `ky.get()` beside `api()` and a raw fetch in the same run). The retry rule is ky's:
 * full-jitter exponential backoff (`backoffMs`), `Retry-After` honoured up to `maxDelayMs`.
 *
 * For the same reason the deadline hands fetch no AbortSignal of its own until one is needed:
 * fetch following a signal costs a loopback call 3–5% of its time and more of its throughput
 * (undici makes a WeakRef, a finalizer and a listener per request). Every try's deadline settles
 * the call on time regardless; from the first try of this transport that runs out of time on,
 * every later try's deadline also aborts its request, so a stalled server gets its connections
 * dropped. Only the tries already in flight at that first timeout are left to end by themselves
 * (or by the runtime's own limits: undici's are 300 s).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1: the Authorization header
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 RFC 6750 §3.1: bearer error codes
 */
export function createApiCall(settings: Settings): ApiCall {
  const { apiBase, retry, timeoutMs, maxResponseBytes, clock } = settings;
  const fetchImpl = settings.fetch;
  const deadlines = new Deadlines(timeoutMs);
  /** `'abort'` once a try of this transport has run out of time (see above). */
  let cutoff: Cutoff = 'settle';

  return async function api<T>(accessToken: string, path: string, init: ApiRequestInit = {}) {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new ConfigurationError('invalid_argument', 'api(): path must start with /');
    }
    const method = init.method === undefined ? 'GET' : init.method.toUpperCase();
    const headers = headersFor(accessToken, init);
    const body = init.json === undefined ? null : JSON.stringify(init.json);
    const url = urlFor(path, init.query);
    const query = path.indexOf('?');
    const what = `${method} ${query < 0 ? path : path.slice(0, query)}`;
    const idempotent = IDEMPOTENT.has(method);

    for (let retryCount = 1; ; retryCount++) {
      const canRetry = idempotent && retryCount <= retry.limit;
      let outcome: Try;
      try {
        outcome = await withDeadline(
          deadlines,
          init.signal,
          what,
          (signal) => tryOnce(url, requestInit(method, headers, body, signal), what, canRetry),
          cutoff,
        );
      } catch (error) {
        const timedOut = (error as { code?: unknown }).code === 'timeout';
        if (timedOut) cutoff = 'abort';
        // A timed-out try is worth another, like a dropped one; the caller's abort is not.
        if (!canRetry || !timedOut) throw error;
        outcome = RETRY;
      }
      if (!('retry' in outcome)) {
        return processApiResponse<T>(outcome, { now: clock.now(), label: what });
      }
      await sleep(outcome.waitMs ?? backoffMs(retry, retryCount), init.signal, what);
    }
  };

  /** One try: its answer read (and capped), or how long to wait before the next. */
  async function tryOnce(
    url: string,
    request: RequestInit,
    what: string,
    canRetry: boolean,
  ): Promise<Try> {
    let response: Response;
    try {
      response = await fetchImpl(url, request);
    } catch (error) {
      // A dropped connection is retried; a port fetch refuses never works. (A deadline or an
      // abort has already settled the try, so what this returns then is not read.)
      if (canRetry && !blockedPort(error)) return RETRY;
      throw toTransportError(error, what);
    }
    const { status } = response;
    if (canRetry && retriableStatus(status)) {
      const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
      if (wait === undefined || wait <= retry.maxDelayMs) {
        await response.body?.cancel();
        return { retry: true, waitMs: wait };
      }
    }
    try {
      const body = status === 204 ? '' : await readCapped(response, maxResponseBytes);
      return { status, headers: response.headers, body };
    } catch (error) {
      throw toTransportError(error, what);
    }
  }

  /** The fetch init, with no `body` or `signal` key unless there is one (fewer steps in fetch). */
  function requestInit(
    method: string,
    headers: Record<string, string>,
    body: string | null,
    signal: AbortSignal | undefined,
  ): RequestInit {
    const init: RequestInit = { method, headers };
    if (body !== null) init.body = body;
    if (signal) init.signal = signal;
    return init;
  }

  function headersFor(accessToken: string, init: ApiRequestInit): Record<string, string> {
    const headers: Record<string, string> = {
      ...init.headers,
      [settings.userAgentHeader]: settings.userAgent,
      Accept: 'application/json',
      Authorization: `Bearer ${accessToken}`,
    };
    if (init.managerAccountId !== undefined)
      headers['X-Manager-Account-Id'] = init.managerAccountId;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    return headers;
  }

  function urlFor(path: string, query: ApiRequestInit['query']): string {
    const url = apiBase + path;
    if (!query) return url;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.append(key, String(value));
    }
    const qs = params.toString();
    return qs ? url + (path.includes('?') ? '&' : '?') + qs : url;
  }
}
