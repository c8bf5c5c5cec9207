import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request as a local server saw it, body included. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>`: an origin of its own. */
  readonly url: string;
  /** Every request that reached it, in order, once its body was read. */
  readonly requests: SeenRequest[];
  /** How many of its connections have closed so far. */
  readonly closedConnections: () => number;
  /** Resolves when the next connection closes. */
  nextClose(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 for what the emulator does not do (redirects, a body that
 * stalls half-way). `answer` gets each request after its body has been read.
 */
export async function startLocalServer(
  answer: (request: SeenRequest, response: ServerResponse) => void,
): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen: SeenRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      answer(seen, response);
    });
  });
  let closed = 0;
  let waiting: Array<() => void> = [];
  server.on('connection', (socket) =>
    socket.on('close', () => {
      closed++;
      for (const resolve of waiting) resolve();
      waiting = [];
    }),
  );
  await new Promise<void>((resolve) => listen(server, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    closedConnections: () => closed,
    nextClose: () => new Promise<void>((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server, done: () => void) {
  server.listen(0, '127.0.0.1', done);
}
