// @hh-oauth/express: the sign-in suite against an Express app (with express.urlencoded in front,
// as most apps have it, so the adapter reads an already parsed form).
import type { AddressInfo } from 'node:net';
import express from 'express';
import { homePage, profilePage, signInSuite } from '../../web/test/suite.js';
import { createHhExpress } from '../src/index.js';

signInSuite('express', (hh, secret) => {
  const auth = createHhExpress({ hh, secret, afterSignIn: '/profile' });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(auth.router);
  app.get('/', (req, res) => {
    res.type('html').send(homePage(`http://${req.get('host')}${req.originalUrl}`));
  });
  app.get('/profile', auth.requireSession, async (req, res) => {
    res.type('html').send(profilePage(await auth.sessionOf(req).me()));
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
});
