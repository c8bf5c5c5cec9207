/**
 * A throwaway `redis-server` on a free 127.0.0.1 port, with no persistence, in a temp folder: for
 * the Redis store's tests and for cross-process tests of code that uses it. No mock: the real
 * server, from Debian's `redis-server` package (or `REDIS_SERVER=/path/to/redis-server`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Started, startProcess } from './process.js';
import { redisServerBinary } from './redis-cli.js';

export interface RedisTestServer {
  /** e.g. redis://127.0.0.1:6390 */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Stops the server process (its data is lost: no persistence); `start()` brings it back. */
  halt(): Promise<void>;
  /** Starts the server again after `halt()`, on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export interface RedisTestServerOptions {
  /** The redis-server binary. Default: `$REDIS_SERVER`, else `redis-server` on PATH. */
  readonly binary?: string;
}

/** Starts a throwaway Redis server; fails loudly when redis-server is not installed. */
export async function startRedisServer(
  options: RedisTestServerOptions = {},
): Promise<RedisTestServer> {
  const binary = redisServerBinary(options.binary);
  const directory = await mkdtemp(join(tmpdir(), 'hh-oauth-redis-'));
  const launch = (port: number): Promise<Started> =>
    startProcess(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        directory,
        '--daemonize',
        'no',
        '--loglevel',
        'notice',
      ],
      {
        cwd: directory,
        what: `redis-server (${binary}) on port ${port}`,
        timeoutMs: 15_000,
        ready: (output) => output.includes('Ready to accept connections'),
      },
    );
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let server: Started | undefined;
    try {
      server = await launch(port);
    } catch (error) {
      // Most likely the port was taken between freePort() and the bind: try another.
      lastError = error;
      continue;
    }
    const running = (): Started => {
      if (server === undefined) throw new Error('redis-server is halted: call start() first');
      return server;
    };
    return {
      url: `redis://127.0.0.1:${port}`,
      host: '127.0.0.1',
      port,
      pause: () => void running().child.kill('SIGSTOP'),
      resume: () => void running().child.kill('SIGCONT'),
      async halt() {
        const current = running();
        server = undefined;
        current.child.kill('SIGCONT');
        await current.stop('SIGTERM');
      },
      async start() {
        if (server !== undefined) throw new Error('redis-server is running already');
        server = await launch(port);
      },
      async stop() {
        const current = server;
        server = undefined;
        // A paused server would not act on SIGTERM until it is let go on.
        current?.child.kill('SIGCONT');
        await current?.stop('SIGTERM');
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
  await rm(directory, { recursive: true, force: true });
  throw lastError;
}
