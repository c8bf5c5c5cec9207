/** The app itself: what "Sign in with hh.ru" takes in Fastify. */
import type { HhOAuth } from '@hh-oauth/client';
import { hhOAuthPlugin, type Me } from '@hh-oauth/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function profileHtml(me: Me): string {
  const name = me.auth_type === 'application' ? '' : [me.first_name, me.last_name].join(' ');
  const email = me.auth_type === 'application' ? '' : (me.email ?? '');
  return `<!doctype html><title>Profile</title>
<h1>Hello, <span id="name">${escapeHtml(name)}</span></h1>
<p id="email">${escapeHtml(email)}</p>
<form method="post" action="/auth/signout"><button>Sign out</button></form>`;
}

export const HOME_HTML = `<!doctype html><title>Home</title>
<a href="/auth/signin">Sign in with hh.ru</a> · <a href="/profile">Profile</a>`;

export async function createApp(hh: HhOAuth, secret: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(hhOAuthPlugin, { hh, secret, afterSignIn: '/profile' });
  app.get('/', async (_request, reply) => reply.type('text/html').send(HOME_HTML));
  app.get('/profile', { preHandler: app.requireHhSession }, async (request, reply) => {
    const me = await request.hhSession?.me();
    return me ? reply.type('text/html').send(profileHtml(me)) : reply.code(401).send();
  });
  return app;
}
