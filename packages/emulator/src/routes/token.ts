/**
 * The token endpoint, on `POST /oauth/token` (hh.ru's guide) and `POST /token` (hh.ru's OpenAPI).
 *
 * @see docs/hh-protocol.md §1.3, §2, §3 and "Token endpoint errors"
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2 RFC 6749 §3.2: form-encoded requests
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { setTokenLogDetails, type TokenLogDetails } from '../request-log.js';
import type { EmulatorState } from '../state.js';
import { basicCredentials, handleTokenRequest, type TokenAnswer } from '../token-grants.js';
import { delay, drop, failure } from './faults.js';

export const TOKEN_PATHS: readonly string[] = ['/oauth/token', '/token'];

/** True for the requests this module handles (and applies faults to itself). */
export const isTokenRequest = (c: Context) =>
  c.req.method === 'POST' && TOKEN_PATHS.includes(c.req.path);

const FORM = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const MAX_BODY = 64 * 1024;
/** RFC 6749 §5.1: token answers must not be cached. A fresh object each time: the server adds to it. */
const jsonHeaders = () => ({
  'content-type': 'application/json; charset=UTF-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
  // CORS, as the API's answers: a browser app may call the token endpoint directly.
  'access-control-allow-origin': '*',
});

const invalidRequest = (description: string): TokenAnswer => ({
  status: 400,
  body: { error: 'invalid_request', error_description: description },
});

/**
 * The body as text. Under Node it is read straight from the socket's request stream (much cheaper
 * than the web `Request` wrapper); elsewhere (`app.request()`) through the `Request`.
 */
function bodyText(c: Context): Promise<string | undefined> {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming) return c.req.text();
  return new Promise((resolve, reject) => {
    let text = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY) {
        incoming.removeAllListeners('data');
        incoming.resume();
        resolve(undefined);
      }
    });
    incoming.once('end', () => resolve(text));
    incoming.once('error', reject);
  });
}

function count(state: EmulatorState, grant: string | null | undefined): void {
  const stats = state.stats.token;
  if (
    grant === 'authorization_code' ||
    grant === 'refresh_token' ||
    grant === 'client_credentials'
  ) {
    stats[grant] += 1;
  } else {
    stats.other += 1;
  }
}

export function tokenRoutes(state: EmulatorState): Hono {
  const routes = new Hono();

  /** A plain `Response` with plain headers: @hono/node-server writes it without conversion. */
  const respond = (answer: TokenAnswer) =>
    new Response(JSON.stringify(answer.body), { status: answer.status, headers: jsonHeaders() });

  const handler = async (c: Context) => {
    const isForm = FORM.test(c.req.header('content-type') ?? '');
    const text = isForm ? await bodyText(c) : undefined;
    const form = text === undefined ? undefined : new URLSearchParams(text);
    // Counted before faults and before any rule: stats see every request that arrived.
    count(state, form?.get('grant_type'));
    const authorization = c.req.header('authorization');
    const details: TokenLogDetails = {
      form,
      clientAuth:
        form?.has('client_id') || form?.has('client_secret')
          ? 'body'
          : basicCredentials(authorization)
            ? 'basic'
            : 'none',
      clientId: form?.get('client_id') ?? basicCredentials(authorization)?.clientId ?? null,
      error: null,
      errorDescription: null,
    };
    setTokenLogDetails(c, details);
    const handle = () => {
      const answer = form
        ? handleTokenRequest(state, form, authorization)
        : invalidRequest(
            isForm
              ? 'request body too large'
              : 'content type must be application/x-www-form-urlencoded',
          );
      if (answer.status !== 200) {
        details.error = String(answer.body['error']);
        details.errorDescription = String(answer.body['error_description']);
      }
      return respond(answer);
    };
    const faulted = (response: Response, kind: string) => {
      details.error = 'injected fault';
      details.errorDescription = kind;
      return response;
    };
    const fault = state.faults.length === 0 ? undefined : state.takeFault('POST', c.req.path);
    if (!fault) return handle();
    switch (fault.kind) {
      case 'latency':
        await delay(fault.ms);
        return handle();
      case 'status':
        return faulted(failure(fault, true), fault.kind);
      case 'drop':
        return faulted(drop(c), fault.kind);
      case 'consume_then_fail':
        handle();
        return faulted(fault.drop ? drop(c) : failure(fault, true), fault.kind);
    }
  };

  for (const path of TOKEN_PATHS) routes.post(path, handler);
  return routes;
}
