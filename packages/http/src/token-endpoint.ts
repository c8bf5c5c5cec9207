import type { HttpAnswer } from '@hh-oauth/core';
import { MAX_RESPONSE_CHARS } from '@hh-oauth/core/internal';
import ky, { type KyInstance, type ResponsePromise } from 'ky';
import { readCapped } from './body.js';
import { Deadlines, withDeadline } from './deadline.js';
import { toTransportError } from './failure.js';
import type { CallOptions, Settings } from './options.js';
import { sendOnceRetry } from './retry.js';

/**
 * The requests that carry credentials to hh.ru's OAuth endpoints, on ky. They move bytes only:
 * each resolves with the answer's status, headers and body (read, capped at 64 KiB) for the
 * core's processors to interpret, and rejects only with a typed transport error.
 */
export interface TokenEndpoint {
  /** `POST` a grant (RFC 6749 §4.1.3, §4.4.2, §6) as a form; never repeated once it may have left. */
  grant(
    form: Readonly<Record<string, string>>,
    what: string,
    call?: CallOptions,
  ): Promise<HttpAnswer>;
  /** hh.ru's `DELETE /oauth/token` with the bearer token (RFC 6750 §2.1); never repeated either. */
  invalidate(accessToken: string, call?: CallOptions): Promise<HttpAnswer>;
}

const always = () => true;
const unlessSuccess = (status: number) => status < 200 || status >= 300;

export function createTokenEndpoint(settings: Settings): TokenEndpoint {
  const client: KyInstance = ky.create({
    fetch: settings.fetch,
    headers: { [settings.userAgentHeader]: settings.userAgent, Accept: 'application/json' },
    // A redirect is never followed: a 307/308 would send the form (client_secret, code, refresh
    // token) and the Authorization header to wherever Location points. The core's processors
    // refuse the 3xx as a typed error.
    redirect: 'manual',
    retry: sendOnceRetry(settings.retry),
    // Every answer is handed to the core as it is, so no status is an exception (nor a retry).
    throwHttpErrors: false,
    // ky's timeout ends when the headers arrive; the deadline below also covers the body, and
    // bounds the whole call, connect retries included.
    timeout: false,
  });

  const deadlines = new Deadlines(settings.timeoutMs);

  /** One exchange under the deadline; `wantsBody(status)` says whether the core needs the body. */
  function exchange(
    what: string,
    call: CallOptions | undefined,
    wantsBody: (status: number) => boolean,
    send: (signal: AbortSignal | null) => ResponsePromise,
  ): Promise<HttpAnswer> {
    // Always 'abort': a token request that outlives its deadline is dropped, never left running.
    return withDeadline(deadlines, call?.signal, what, async (signal) => {
      try {
        const response = await send(signal ?? null);
        const { status, headers } = response;
        if (!wantsBody(status)) {
          void response.body?.cancel().catch(() => {});
          return { status, headers, body: '' };
        }
        return { status, headers, body: await readCapped(response, MAX_RESPONSE_CHARS) };
      } catch (error) {
        throw toTransportError(error, what);
      }
    });
  }

  return {
    grant(form, what, call) {
      return exchange(what, call, always, (signal) =>
        client.post(settings.tokenUrl, { body: new URLSearchParams(form), signal }),
      );
    },
    invalidate(accessToken, call) {
      // A 2xx status line is the whole answer (hh.ru sends 204): a body that then stalls must not
      // turn a done invalidation into a timeout that invites a retry.
      return exchange('DELETE /oauth/token', call, unlessSuccess, (signal) =>
        client.delete(settings.invalidateUrl, {
          headers: { Authorization: `Bearer ${accessToken}` },
          signal,
        }),
      );
    },
  };
}
