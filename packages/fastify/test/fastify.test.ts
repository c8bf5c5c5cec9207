// @hh-oauth/fastify: the sign-in suite against a Fastify app.
import Fastify from 'fastify';
import { homePage, profilePage, signInSuite } from '../../web/test/suite.js';
import { hhOAuthPlugin } from '../src/index.js';

signInSuite('fastify', async (hh, secret) => {
  const app = Fastify();
  await app.register(hhOAuthPlugin, { hh, secret, afterSignIn: '/profile' });
  app.get('/', async (request, reply) =>
    reply.type('text/html').send(homePage(`http://${request.host}${request.url}`)),
  );
  app.get('/profile', { preHandler: app.requireHhSession }, async (request, reply) =>
    reply
      .type('text/html')
      .send(
        profilePage(await (request.hhSession?.me() ?? Promise.reject(new Error('no session')))),
      ),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
});
