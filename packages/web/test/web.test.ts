// @hh-oauth/web on its own: the handlers behind a plain Web-standard fetch function.
import { createHhWeb } from '../src/index.js';
import { serveFetch } from './serve.js';
import { homePage, profilePage, signInSuite } from './suite.js';

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8' } });

signInSuite('web', (hh, secret) => {
  const web = createHhWeb({ hh, secret, afterSignIn: '/profile' });
  return serveFetch(async (request) => {
    const answered = await web.handle(request);
    if (answered) return answered;
    const { pathname } = new URL(request.url);
    if (pathname === '/') return html(homePage(request.url));
    if (pathname === '/profile') {
      const session = await web.getSession(request);
      return session ? html(profilePage(await session.me())) : html('sign in first', 401);
    }
    return html('not found', 404);
  });
});
