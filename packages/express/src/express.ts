/**
 * `createHhExpress`: @hh-oauth/web's handlers as an Express router, and a `requireSession`
 * middleware. Express's request becomes a Web `Request` (absolute URL from `req.protocol`, which
 * honours `trust proxy`, and the Host header; or the `origin` option), and the Web `Response`
 * is written back, every `Set-Cookie` line kept.
 */
import type { HhOAuthError } from '@hh-oauth/core';
import { createHhWeb, type HhSession, type HhWeb, type HhWebOptions } from '@hh-oauth/web';
import {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';

export interface HhExpressOptions extends Omit<HhWebOptions, 'onError'> {
  /** Renders a failed sign-in or sign-out (default: `errorRedirect?hh_error=<code>`). */
  readonly onError?: (error: HhOAuthError, req: Request, res: Response) => void | Promise<void>;
  /** What `requireSession` does without a live session. Default: 401 with a sign-in link. */
  readonly onMissingSession?: (req: Request, res: Response) => void | Promise<void>;
}

export interface HhExpress {
  /** `paths.signIn` (GET, POST), `paths.callback` (GET), `paths.signOut` (POST): `app.use(auth.router)`. */
  readonly router: Router;
  /** Puts the session on the request (read it with `sessionOf(req)`) or answers `onMissingSession`. */
  readonly requireSession: RequestHandler;
  /** The session `requireSession` found for this request. */
  sessionOf(req: Request): HhSession;
  /** The visitor's live session, or undefined (any route, no middleware needed). */
  getSession(req: Request): Promise<HhSession | undefined>;
  readonly web: HhWeb;
}

/** Form bodies above this are not read (sign-in's two checkboxes need a few bytes). */
const MAX_BODY_BYTES = 16 * 1024;

async function formBody(req: Request): Promise<string | undefined> {
  if (req.method !== 'POST') return undefined;
  const parsed: unknown = req.body;
  if (
    parsed !== undefined &&
    parsed !== null &&
    typeof parsed === 'object' &&
    !Buffer.isBuffer(parsed)
  ) {
    // A body parser (express.urlencoded) read it already.
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(parsed))
      if (typeof value === 'string') params.append(key, value);
    return params.toString();
  }
  if (typeof parsed === 'string') return parsed;
  if (req.readableEnded) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Express's request as a Web `Request`. */
export async function toWebRequest(req: Request): Promise<globalThis.Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
  const body = await formBody(req);
  if (body !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded');
  return new globalThis.Request(url, {
    method: req.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

/** Writes a Web `Response` to Express's response. */
export async function sendWebResponse(response: globalThis.Response, res: Response): Promise<void> {
  res.status(response.status);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  res.end(Buffer.from(await response.arrayBuffer()));
}

const SESSION = Symbol('hh-oauth/express/session');
type WithSession = Request & { [SESSION]?: HhSession };

/**
 * Creates the router and middleware; the options are @hh-oauth/web's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 */
export function createHhExpress(options: HhExpressOptions): HhExpress {
  const pairs = new WeakMap<globalThis.Request, { req: Request; res: Response; written?: true }>();
  const { onError, onMissingSession, ...rest } = options;
  const web = createHhWeb(
    onError === undefined
      ? rest
      : {
          ...rest,
          onError: async (error, request) => {
            const pair = pairs.get(request);
            if (pair === undefined) throw error;
            await onError(error, pair.req, pair.res);
            pair.written = true; // the route writes nothing more
            return new globalThis.Response(null, { status: 500 });
          },
        },
  );
  const route =
    (handler: (request: globalThis.Request) => Promise<globalThis.Response>): RequestHandler =>
    (req, res, next: NextFunction) => {
      void (async () => {
        const request = await toWebRequest(req);
        const pair: { req: Request; res: Response; written?: true } = { req, res };
        pairs.set(request, pair);
        const response = await handler(request);
        if (!pair.written) await sendWebResponse(response, res);
      })().catch(next);
    };
  const router = Router();
  router.get(web.paths.signIn, route(web.signIn));
  router.post(web.paths.signIn, route(web.signIn));
  router.get(web.paths.callback, route(web.callback));
  router.post(web.paths.signOut, route(web.signOut));

  const getSession = async (req: Request) => web.getSession(await toWebRequest(req));
  const missing =
    onMissingSession ??
    ((_req: Request, res: Response) => {
      res
        .status(401)
        .type('html')
        .send(`<p>Sign in first: <a href="${web.paths.signIn}">Sign in with hh.ru</a></p>`);
    });
  return {
    router,
    web,
    getSession,
    requireSession: (req, res, next) => {
      void (async () => {
        const session = await getSession(req);
        if (!session) return missing(req, res);
        (req as WithSession)[SESSION] = session;
        next();
      })().catch(next);
    },
    sessionOf(req) {
      const session = (req as WithSession)[SESSION];
      if (!session) throw new Error('sessionOf(req) needs requireSession before the route');
      return session;
    },
  };
}
