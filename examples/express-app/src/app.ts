/** The app itself: what "Sign in with hh.ru" takes in Express. */
import type { HhOAuth } from '@hh-oauth/client';
import { createHhExpress, type Me } from '@hh-oauth/express';
import express, { type Express } from 'express';

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

export function createApp(hh: HhOAuth, secret: string): Express {
  const auth = createHhExpress({ hh, secret, afterSignIn: '/profile' });
  const app = express();
  app.use(auth.router);
  app.get('/', (_req, res) => void res.type('html').send(HOME_HTML));
  app.get('/profile', auth.requireSession, async (req, res) => {
    res.type('html').send(profileHtml(await auth.sessionOf(req).me()));
  });
  return app;
}
