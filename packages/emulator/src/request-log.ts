/**
 * The request log: what every client sent (outside `/__emulator/*`) and what it got, so a test
 * can assert "refreshed once", "sent the secret in the body", "used this User-Agent". Secrets,
 * codes and tokens are cut to a short prefix: the log can be printed in CI output.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { CONTROL_PREFIX } from './routes/faults.js';

/** How many entries are kept (the oldest go first). */
export const REQUEST_LOG_LIMIT = 1000;

export interface RequestLogEntry {
  /** 1, 2, 3…: the order of arrival (pass the last one seen as `since`). */
  readonly id: number;
  /** Simulated time of arrival, ms since the epoch. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Real milliseconds from arrival to the answer. */
  readonly durationMs: number;
  /** Token endpoint: the form's `grant_type`. */
  readonly grantType: string | null;
  /** Token endpoint: the `client_id` (form, or a Basic header's). Client ids are not secret. */
  readonly clientId: string | null;
  /** How the client authenticated at the token endpoint: `body`, `basic`, `none`. */
  readonly clientAuth: 'body' | 'basic' | 'none' | null;
  /** `HH-User-Agent` if sent, else `User-Agent`. */
  readonly userAgent: string | null;
  /** `Bearer hha_AbCd…`, `Basic …`: redacted. */
  readonly authorization: string | null;
  /** The token form's fields, secret ones (code, refresh_token, client_secret…) redacted. */
  readonly form: Readonly<Record<string, string>> | null;
  /**
   * `error` of a token answer, or `type` of the API's first error; `injected fault` when a fault
   * answered instead of the token endpoint.
   */
  readonly error: string | null;
  /** `error_description` of a token answer, or `value` of the API's first error. */
  readonly errorDescription: string | null;
}

export interface RequestLogFilter {
  method?: string;
  path?: string;
  grantType?: string;
  clientId?: string;
  status?: number;
  /** Only entries with a larger id. */
  since?: number;
  /** At most this many (the latest). */
  limit?: number;
}

const SECRET_FIELDS = new Set([
  'client_secret',
  'code',
  'refresh_token',
  'access_token',
  'password',
  'code_verifier',
]);

/**
 * A value cut to a prefix: never more than a quarter of it, at most 8 characters, then `…`. Enough
 * to tell `hha_` from `hhr_` and two tokens apart, not enough to use one.
 */
export function redact(value: string): string {
  const keep = Math.min(8, Math.floor(value.length / 4));
  return `${value.slice(0, keep)}…`;
}

/** `Bearer hha_AbCd…`; other schemes keep their name and lose the rest. */
export function redactAuthorization(header: string): string {
  const space = header.indexOf(' ');
  if (space < 0) return redact(header);
  return `${header.slice(0, space)} ${redact(header.slice(space + 1).trim())}`;
}

export function redactForm(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) out[key] = SECRET_FIELDS.has(key) ? redact(value) : value;
  return out;
}

/** What the token handler tells the log about a request (set on the context). */
export interface TokenLogDetails {
  form: URLSearchParams | undefined;
  clientAuth: 'body' | 'basic' | 'none';
  clientId: string | null;
  error: string | null;
  errorDescription: string | null;
}

const DETAILS = 'hhTokenLog';

export function setTokenLogDetails(c: Context, details: TokenLogDetails): void {
  (c as unknown as { set(key: string, value: unknown): void }).set(DETAILS, details);
}

function tokenLogDetails(c: Context): TokenLogDetails | undefined {
  return (c as unknown as { get(key: string): unknown }).get(DETAILS) as
    | TokenLogDetails
    | undefined;
}

/** The first error of an API answer (`{"errors":[{type, value}]}`) or a token-shaped one. */
async function errorOf(
  response: Response,
): Promise<{ error: string | null; description: string | null }> {
  const none = { error: null, description: null };
  if (response.status < 400 || !/json/i.test(response.headers.get('content-type') ?? ''))
    return none;
  try {
    const body = (await response.clone().json()) as Record<string, unknown>;
    if (typeof body['error'] === 'string') {
      const description = body['error_description'];
      return {
        error: body['error'],
        description: typeof description === 'string' ? description : null,
      };
    }
    const first = (body['errors'] as { type?: unknown; value?: unknown }[] | undefined)?.[0];
    if (first && typeof first.type === 'string') {
      return {
        error: first.type,
        description: typeof first.value === 'string' ? first.value : null,
      };
    }
  } catch {
    // Not JSON after all: nothing to report.
  }
  return none;
}

export class RequestLog {
  #entries: RequestLogEntry[] = [];
  #next = 1;

  add(entry: Omit<RequestLogEntry, 'id'>): void {
    this.#entries.push({ id: this.#next++, ...entry });
    if (this.#entries.length > REQUEST_LOG_LIMIT) this.#entries.shift();
  }

  clear(): void {
    this.#entries = [];
  }

  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const matches = this.#entries.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || e.path === filter.path) &&
        (filter.grantType === undefined || e.grantType === filter.grantType) &&
        (filter.clientId === undefined || e.clientId === filter.clientId) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.since === undefined || e.id > filter.since),
    );
    return filter.limit === undefined ? matches : matches.slice(-filter.limit);
  }
}

/** Records every request outside the controls, after its answer is known. */
export function requestLogMiddleware(log: RequestLog, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path.startsWith(CONTROL_PREFIX)) return next();
    const started = performance.now();
    const at = now();
    await next();
    const token = tokenLogDetails(c);
    const { error, description } = token
      ? { error: token.error, description: token.errorDescription }
      : await errorOf(c.res);
    const authorization = c.req.header('authorization');
    const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
    log.add({
      at,
      method: c.req.method,
      path: c.req.path,
      // A dropped connection got no answer at all.
      status: incoming?.socket.destroyed ? 0 : c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      grantType: token?.form?.get('grant_type') ?? null,
      clientId: token?.clientId ?? null,
      clientAuth: token?.clientAuth ?? null,
      userAgent: c.req.header('hh-user-agent') ?? c.req.header('user-agent') ?? null,
      authorization: authorization === undefined ? null : redactAuthorization(authorization),
      form: token?.form ? redactForm(token.form) : null,
      error,
      errorDescription: description,
    });
  };
}
