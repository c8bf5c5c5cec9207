/**
 * `hhOAuthPlugin`: @hh-oauth/web's handlers as Fastify routes, `request.hhSession`, and the
 * `fastify.requireHhSession` pre-handler. The routes live in their own context, which reads form
 * bodies as text unless the app already parses them (@fastify/formbody).
 */
import type { HhOAuthError } from '@hh-oauth/core';
import { createHhWeb, type HhSession, type HhWeb, type HhWebOptions } from '@hh-oauth/web';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's live session: set by `requireHhSession` (null before, or without one). */
    hhSession: HhSession | null;
  }
  interface FastifyInstance {
    /** Pre-handler: sets `request.hhSession`, or answers `onMissingSession` (default 401). */
    requireHhSession: preHandlerAsyncHookHandler;
    /** The Web-standard handlers underneath. */
    hhWeb: HhWeb;
  }
}

export interface HhFastifyOptions extends Omit<HhWebOptions, 'onError'> {
  /** Renders a failed sign-in or sign-out (default: `errorRedirect?hh_error=<code>`). */
  readonly onError?: (error: HhOAuthError, request: FastifyRequest, reply: FastifyReply) => unknown;
  /** What `requireHhSession` answers without a live session. Default: 401 with a sign-in link. */
  readonly onMissingSession?: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

const FORM = 'application/x-www-form-urlencoded';

function formBody(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body === null || typeof body !== 'object') return undefined;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(body))
    if (typeof value === 'string') params.append(key, value);
  return params.toString();
}

/** Fastify's request as a Web `Request` (`request.protocol` and `host` honour `trustProxy`). */
export function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = `${request.protocol}://${request.host}${request.url}`;
  const body = request.method === 'POST' ? formBody(request.body) : undefined;
  if (body !== undefined) headers.set('content-type', FORM);
  return new Request(url, {
    method: request.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

async function send(response: Response, reply: FastifyReply): Promise<FastifyReply> {
  reply.code(response.status);
  for (const [name, value] of response.headers)
    if (name !== 'set-cookie') reply.header(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  return reply.send(Buffer.from(await response.arrayBuffer()));
}

async function plugin(fastify: FastifyInstance, options: HhFastifyOptions): Promise<void> {
  const pairs = new WeakMap<
    Request,
    { request: FastifyRequest; reply: FastifyReply; written?: true }
  >();
  const { onError, onMissingSession, ...rest } = options;
  const web = createHhWeb(
    onError === undefined
      ? rest
      : {
          ...rest,
          onError: async (error, webRequest) => {
            const pair = pairs.get(webRequest);
            if (pair === undefined) throw error;
            await onError(error, pair.request, pair.reply);
            pair.written = true;
            return new Response(null, { status: 500 });
          },
        },
  );
  fastify.decorateRequest('hhSession', null);
  fastify.decorate('hhWeb', web);
  const missing =
    onMissingSession ??
    ((_: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(`<p>Sign in first: <a href="${web.paths.signIn}">Sign in with hh.ru</a></p>`));
  fastify.decorate('requireHhSession', async function requireHhSession(request, reply) {
    const session = await web.getSession(toWebRequest(request));
    if (!session) return missing(request, reply);
    request.hhSession = session;
  } satisfies preHandlerAsyncHookHandler);

  await fastify.register(async (routes) => {
    if (!routes.hasContentTypeParser(FORM)) {
      routes.addContentTypeParser(
        FORM,
        { parseAs: 'string', bodyLimit: 16 * 1024 },
        (_, body, done) => done(null, body),
      );
    }
    const handle = (handler: (request: Request) => Promise<Response>) =>
      async function route(request: FastifyRequest, reply: FastifyReply) {
        const webRequest = toWebRequest(request);
        const pair: { request: FastifyRequest; reply: FastifyReply; written?: true } = {
          request,
          reply,
        };
        pairs.set(webRequest, pair);
        const response = await handler(webRequest);
        return pair.written ? reply : send(response, reply);
      };
    routes.get(web.paths.signIn, handle(web.signIn));
    routes.post(web.paths.signIn, handle(web.signIn));
    routes.get(web.paths.callback, handle(web.callback));
    routes.post(web.paths.signOut, handle(web.signOut));
  });
}

// Not encapsulated (what fastify-plugin does): the decorators reach the app that registers it.
Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@hh-oauth/fastify',
});

/**
 * The plugin: `await app.register(hhOAuthPlugin, options)`; the options are @hh-oauth/web's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 RFC 6749 §4.1
 */
export const hhOAuthPlugin: FastifyPluginAsync<HhFastifyOptions> = plugin;
