/**
 * Cross-site request forgery, refused twice for every state-changing request: its `Origin` must
 * be the demo's own, and its form must carry this browser's CSRF token. The token is the signed
 * id of a random per-browser cookie (a signed double-submit token): a page on another origin can
 * neither read it nor make one.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#signed-double-submit-cookie-recommended OWASP: signed double-submit cookie
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-7 RFC 6454 §7: Origin
 */
import { cookieName, isSameOrigin, readCookies, type Signer, serializeCookie } from '@hh-oauth/web';
import type { Context, MiddlewareHandler } from 'hono';

/** The form field every POST form of the demo carries. */
export const CSRF_FIELD = 'csrf';
const COOKIE = 'hh_demo_csrf';
const PURPOSE = 'hh-oauth-demo/csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfVariables {
  /** The token to put in this page's forms. */
  csrf: string;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function formToken(request: Request): Promise<string | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (
    !type.startsWith('application/x-www-form-urlencoded') &&
    !type.startsWith('multipart/form-data')
  ) {
    return undefined;
  }
  try {
    // A clone: the handlers after this one read the body again.
    const value = (await request.clone().formData()).get(CSRF_FIELD);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The middleware: refuses a cross-origin or token-less state-changing request with `refuse(c)`,
 * and gives every request `c.var.csrf`, setting the browser's cookie when it has none.
 */
export function csrfProtection(options: {
  readonly signer: Signer;
  readonly secure: boolean;
  readonly refuse: (c: Context, reason: string) => Response | Promise<Response>;
}): MiddlewareHandler<{ Variables: CsrfVariables }> {
  const settings = { secure: options.secure };
  const name = cookieName(COOKIE, settings);
  return async (c, next) => {
    const held = readCookies(c.req.raw).get(name);
    const valid = held !== undefined && /^[A-Za-z0-9_-]{43}$/.test(held);
    const id = valid ? held : randomId();
    if (!SAFE.has(c.req.method)) {
      if (!isSameOrigin(c.req.raw, [new URL(c.req.url).origin])) {
        return options.refuse(c, 'The request came from another origin.');
      }
      const token = await formToken(c.req.raw);
      const signedId =
        token === undefined ? undefined : await options.signer.verify(PURPOSE, token);
      if (!valid || signedId !== id) {
        return options.refuse(c, 'The form carries no valid CSRF token for this browser.');
      }
    }
    c.set('csrf', await options.signer.sign(PURPOSE, id));
    await next();
    if (!valid)
      c.res.headers.append('Set-Cookie', serializeCookie(COOKIE, id, 24 * 60 * 60, settings));
  };
}
