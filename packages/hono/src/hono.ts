/**
 * `createHhHono`: @hh-oauth/web's handlers as Hono routes, and middleware that puts the visitor's
 * session on the context (`c.var.hhSession`).
 */
import type { HhOAuthError } from '@hh-oauth/core';
import { createHhWeb, type HhSession, type HhWeb, type HhWebOptions } from '@hh-oauth/web';
import { type Context, Hono, type MiddlewareHandler } from 'hono';

/** The context variables the middleware sets. */
export interface HhVariables {
  hhSession: HhSession;
}

export interface HhHonoOptions extends Omit<HhWebOptions, 'onError'> {
  /** Renders a failed sign-in or sign-out (default: `errorRedirect?hh_error=<code>`). */
  readonly onError?: (error: HhOAuthError, c: Context) => Response | Promise<Response>;
  /** What `requireSession` answers without a live session. Default: 401 with a sign-in link. */
  readonly onMissingSession?: (c: Context) => Response | Promise<Response>;
}

export interface HhHono {
  /** `paths.signIn` (GET, POST), `paths.callback` (GET), `paths.signOut` (POST): `app.route('/', auth.routes)`. */
  readonly routes: Hono;
  /** Sets `c.var.hhSession`, or answers `onMissingSession` when there is no live session. */
  readonly requireSession: MiddlewareHandler<{ Variables: HhVariables }>;
  /** Sets `c.var.hhSession` when there is a live session; lets every request through. */
  readonly session: MiddlewareHandler<{ Variables: Partial<HhVariables> }>;
  /** The Web-standard handlers underneath. */
  readonly web: HhWeb;
}

const signInFirst = (c: Context, web: HhWeb) =>
  c.html(`<p>Sign in first: <a href="${web.paths.signIn}">Sign in with hh.ru</a></p>`, 401);

/**
 * Creates the routes and middleware; the options are @hh-oauth/web's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 */
export function createHhHono(options: HhHonoOptions): HhHono {
  // The Web handlers see the Request; `onError` gets the Context it came with.
  const contexts = new WeakMap<Request, Context>();
  const { onError, ...rest } = options;
  const web = createHhWeb(
    onError === undefined
      ? rest
      : {
          ...rest,
          onError: (error, request) => {
            const c = contexts.get(request);
            if (c === undefined) throw error;
            return onError(error, c);
          },
        },
  );
  const withContext = (handler: (request: Request) => Promise<Response>) => (c: Context) => {
    contexts.set(c.req.raw, c);
    return handler(c.req.raw);
  };
  const routes = new Hono();
  routes.on(['GET', 'POST'], web.paths.signIn, withContext(web.signIn));
  routes.get(web.paths.callback, withContext(web.callback));
  routes.post(web.paths.signOut, withContext(web.signOut));
  const missing = options.onMissingSession ?? ((c: Context) => signInFirst(c, web));
  return {
    routes,
    web,
    requireSession: async (c, next) => {
      const session = await web.getSession(c.req.raw);
      if (!session) return missing(c);
      c.set('hhSession', session);
      await next();
    },
    session: async (c, next) => {
      const session = await web.getSession(c.req.raw);
      if (session) c.set('hhSession', session);
      await next();
    },
  };
}
