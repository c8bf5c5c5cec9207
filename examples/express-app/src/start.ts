/**
 * Starts the example on 127.0.0.1: against an emulator started in-process (default), or the one
 * at `emulatorUrl` (its seeded app), with sessions in memory or in Redis (`redisUrl`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHhOAuth } from '@hh-oauth/client';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  type Emulator,
  startEmulator,
} from '@hh-oauth/emulator';
import { createMemoryStore, type TokenStore } from '@hh-oauth/storage';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { createApp } from './app.js';

export interface ExampleOptions {
  readonly port?: number;
  readonly emulatorUrl?: string;
  readonly redisUrl?: string;
  /** The cookie secret; processes that share sessions share it. Default: a random one. */
  readonly secret?: string;
  /** With `emulatorUrl`: the app registered there (default: its seeded app). */
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export interface Example {
  readonly url: string;
  readonly emulatorUrl: string;
  /** The in-process emulator, when this example started it. */
  readonly emulator: Emulator | undefined;
  close(): Promise<void>;
}

export async function startExample(options: ExampleOptions = {}): Promise<Example> {
  let handler: RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${url}/auth/callback`;
  const emulator = options.emulatorUrl
    ? undefined
    : await startEmulator({ app: { redirectUri, name: 'Express example' } });
  const emulatorUrl = options.emulatorUrl ?? emulator?.url ?? '';
  const store: TokenStore = options.redisUrl
    ? createRedisStore({ url: options.redisUrl })
    : createMemoryStore();
  const hh = createHhOAuth({
    clientId: emulator?.app.clientId ?? options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: emulator?.app.clientSecret ?? options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    ...(emulator ? { redirectUri } : {}),
    userAgent: 'hh-oauth-express-example/1.0 (example@example.com)',
    store,
    oauthBaseUrl: emulatorUrl,
    apiBaseUrl: emulatorUrl,
    // The emulator's clock, so that "advance 15 days" expires tokens for the app too.
    ...(emulator ? { clock: { now: () => emulator.controls.now() } } : {}),
  });
  handler = createApp(hh, options.secret ?? randomBytes(32).toString('base64url'));
  return {
    url,
    emulatorUrl,
    emulator,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
      await emulator?.close();
    },
  };
}
