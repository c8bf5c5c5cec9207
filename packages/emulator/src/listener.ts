/**
 * The emulator's HTTP listener: binds, counts requests in flight, and closes either at once or
 * after draining (no new connections; requests in flight finish, up to a deadline).
 */
import type { AddressInfo } from 'node:net';
import { type HttpBindings, type ServerType, serve } from '@hono/node-server';

export type Fetch = Parameters<typeof serve>[0]['fetch'];

export interface Listener {
  readonly port: number;
  /** Requests whose answer has not finished yet. */
  inFlight(): number;
  /**
   * Stops listening. `drainMs` 0 (the default) closes every connection now; otherwise requests
   * in flight may finish for up to `drainMs` before their connections are closed.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** Binds `host:port` (0: a free port) and serves `fetch()`, which may be set after binding. */
export function listen(
  fetch: () => Fetch | undefined,
  port: number,
  hostname: string,
): Promise<Listener> {
  let active = 0;
  let onIdle: (() => void) | undefined;
  const counted: Fetch = (request, env) => {
    const outgoing = (env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing) {
      active += 1;
      outgoing.once('close', () => {
        active -= 1;
        if (active === 0) onIdle?.();
      });
    }
    const handler = fetch();
    return handler ? handler(request, env) : new Response('starting', { status: 503 });
  };
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch: counted, port, hostname }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        inFlight: () => active,
        close: ({ drainMs = 0 } = {}) =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if (!('closeAllConnections' in server)) return;
            const closeAll = () => server.closeAllConnections();
            if (drainMs <= 0 || active === 0) return closeAll();
            server.closeIdleConnections();
            const deadline = setTimeout(closeAll, drainMs);
            deadline.unref();
            // Each finished answer leaves its keep-alive socket idle on the next turn; the
            // server's close callback runs once the last one is closed.
            onIdle = () => setImmediate(() => server.closeIdleConnections());
            server.once('close', () => clearTimeout(deadline));
          }),
      });
    });
    server.once('error', reject);
  });
}
