/**
 * The emulator's own defences. It is a test server, but it runs on developers' machines next to a
 * browser, so a hostile page must not drive it: the controls need a JSON content type (a
 * cross-site form cannot send one without a CORS preflight, which they never answer), every
 * request must name one of the emulator's own hosts (DNS rebinding), bodies are capped, and pages
 * cannot be framed (clickjacking the Allow button).
 *
 * @see https://fetch.spec.whatwg.org/#cors-safelisted-request-header Fetch: CORS-safelisted content types
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-7.2 RFC 9110 §7.2: Host
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors CSP 3: frame-ancestors
 */
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CONTROL_PREFIX } from './routes/faults.js';
import { STYLE } from './views/layout.js';

/** Largest JSON body a control accepts (stub routes carry canned answers, so this is generous). */
export const MAX_CONTROL_BODY_BYTES = 1024 * 1024;
/** Largest form a page accepts (sign-in, consent, console forms). */
export const MAX_FORM_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `[::1]` for IPv6 literals, as a Host header writes them. */
const hostLiteral = (host: string) => (host.includes(':') ? `[${host}]` : host.toLowerCase());

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** True when `host` makes the emulator reachable from other machines (it prints a warning then). */
export const isExposedHost = (host: string) => !isLoopback(host);

export interface HostRules {
  /** `host:port` values (lower case) accepted as they are. */
  readonly exact: ReadonlySet<string>;
  /** Host names accepted with any port (configured for containers, e.g. `emulator`). */
  readonly names: ReadonlySet<string>;
}

/**
 * The Host values the emulator answers: the bound address with its port; on loopback also
 * `localhost`, `127.0.0.1` and `[::1]`; on a wildcard address (`0.0.0.0`, `::`) every local
 * interface address; plus `extra` names (any port), for containers reached by a service name.
 */
export function hostRules(bound: string, port: number, extra: readonly string[] = []): HostRules {
  const hosts = new Set<string>([hostLiteral(bound)]);
  if (isLoopback(bound) || bound === '0.0.0.0' || bound === '::') {
    for (const name of LOOPBACK_NAMES) hosts.add(name);
  }
  if (bound === '0.0.0.0' || bound === '::') {
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) hosts.add(hostLiteral(info.address));
    }
  }
  return {
    exact: new Set([...hosts].map((h) => `${h}:${port}`)),
    names: new Set(extra.map((name) => name.trim().toLowerCase()).filter((n) => n !== '')),
  };
}

/** Whether a Host header value names this emulator. */
export function isAllowedHost(rules: HostRules, header: string | undefined): boolean {
  const value = header?.trim().toLowerCase();
  if (!value) return false;
  if (rules.exact.has(value)) return true;
  const name = value.startsWith('[')
    ? value.slice(0, value.indexOf(']') + 1)
    : value.replace(/:\d+$/, '');
  return rules.names.has(name);
}

/**
 * Refuses requests whose Host is not one of the emulator's own (`421 Misdirected Request`): a
 * page on `evil.example` that re-points its DNS name at 127.0.0.1 then reaches nothing.
 */
export function hostGuard(rules: HostRules): MiddlewareHandler {
  return async (c, next) => {
    // Node's own reading of the header (the web Request falls back to the bound address when it
    // is empty), and the URL's authority too, for an absolute-form request target.
    const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
    const header = incoming ? incoming.headers.host : c.req.header('host');
    if (isAllowedHost(rules, header) && isAllowedHost(rules, new URL(c.req.url).host)) {
      return next();
    }
    return c.json(
      {
        error:
          'unknown Host header: the emulator answers only the addresses it listens on (add names with --allowed-host)',
      },
      421,
    );
  };
}

/**
 * The controls take JSON only, on every request that can carry a body. `text/plain`,
 * `application/x-www-form-urlencoded` and `multipart/form-data` are what a cross-site form or a
 * preflight-free `fetch` can send, so they are refused with `415` before anything runs.
 */
export const controlsRequireJson: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') {
    return next();
  }
  if (JSON_TYPE.test(c.req.header('content-type') ?? '')) return next();
  return c.json({ error: 'the controls take Content-Type: application/json only' }, 415);
};

const tooLarge = (limit: number) => (c: Context) =>
  c.json({ error: `request body larger than ${limit} bytes` }, 413);

/** Caps the body of controls (JSON) and pages (forms); the token endpoint caps its own. */
export const capControlBody = bodyLimit({
  maxSize: MAX_CONTROL_BODY_BYTES,
  onError: tooLarge(MAX_CONTROL_BODY_BYTES),
});
export const capFormBody = bodyLimit({
  maxSize: MAX_FORM_BODY_BYTES,
  onError: tooLarge(MAX_FORM_BODY_BYTES),
});

const styleHash = createHash('sha256').update(STYLE).digest('base64');

/**
 * A strict policy: nothing loads but the pages' one inline stylesheet (by hash); no scripts, no
 * framing, no `<base>`. `form-action` is left out on purpose: the consent form's answer is a
 * redirect to the application's redirect URI, which browsers check against `form-action` too.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${styleHash}'`,
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every answer: no framing, no sniffing, no referrer (the callback page shows a code). */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
  headers.set('x-frame-options', 'DENY');
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
};

export { CONTROL_PREFIX };
