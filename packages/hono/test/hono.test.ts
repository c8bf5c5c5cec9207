// @hh-oauth/hono: the sign-in suite against a Hono app on @hono/node-server.
import { Hono } from 'hono';
import { serveFetch } from '../../web/test/serve.js';
import { homePage, profilePage, signInSuite } from '../../web/test/suite.js';
import { createHhHono } from '../src/index.js';

signInSuite('hono', (hh, secret) => {
  const auth = createHhHono({ hh, secret, afterSignIn: '/profile' });
  const app = new Hono();
  app.route('/', auth.routes);
  app.get('/', (c) => c.html(homePage(c.req.url)));
  app.get('/profile', auth.requireSession, async (c) =>
    c.html(profilePage(await c.var.hhSession.me())),
  );
  return serveFetch(async (request) => app.fetch(request));
});
