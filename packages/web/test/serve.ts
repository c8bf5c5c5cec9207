/** Serves a fetch handler on 127.0.0.1 and a free port (the tests' Node server). */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { AppUnderTest } from './suite.js';

export function serveFetch(fetch: (request: Request) => Promise<Response>): Promise<AppUnderTest> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      }),
    );
    server.once('error', reject);
  });
}
