/**
 * `startDemo()`: the demo web app on 127.0.0.1, with the hh.ru emulator in-process (default) or
 * against the real hh.ru. Used by `main.ts` and by the browser tests.
 */
import { rename } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHhOAuth, type HhOAuth } from '@hh-oauth/client';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import type { TokenStore } from '@hh-oauth/storage';
import { createFileStore } from '@hh-oauth/storage/file';
import { createRedisStore } from '@hh-oauth/storage-redis';
import { type ServerType, serve } from '@hono/node-server';
import { createDemoApp } from './app.js';
import { loadOrCreateKeys } from './keys.js';
import { createTransitionLog } from './transitions.js';

/** The demo binds here only: it is a local tool, never a public server. */
export const HOST = '127.0.0.1';
/** The User-Agent the demo sends in emulator mode (hh.ru requires one naming the app). */
export const EMULATOR_USER_AGENT = 'hh-oauth-demo/0.1 (demo@example.com)';

/** Credentials of an application registered at dev.hh.ru, for live mode. */
export interface LiveCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Exactly as saved at dev.hh.ru, e.g. `http://127.0.0.1:3000/callback`. */
  readonly redirectUri: string;
  /** `MyApp/1.0 (me@example.com)`. */
  readonly userAgent: string;
}

export interface DemoOptions {
  /** The demo's port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** When `port` is taken, listen on a free one instead of failing. Default false. */
  readonly portFallback?: boolean;
  /** Live mode: talk to hh.ru with these credentials. Absent: emulator mode. */
  readonly live?: LiveCredentials;
  /**
   * Emulator mode: the emulator's port (0, the default, picks a free one) and fallback; or a
   * running emulator to use (`instance`: the caller starts and closes it, and registers the demo's
   * callback URL as its seeded app's redirect URI).
   */
  readonly emulator?: {
    readonly port?: number;
    readonly portFallback?: boolean;
    readonly instance?: Emulator;
  };
  /** A ready store (the caller closes it). Otherwise Redis when `redisUrl` is set, else a file. */
  readonly store?: TokenStore;
  readonly redisUrl?: string;
  /** The file store's path. Default `apps/demo/.demo-data/tokens.json` (emulator mode: `emulator-tokens.json`). */
  readonly storePath?: string;
  /**
   * The demo's key (32 bytes as 64 hex digits or base64): seals the file store and signs the
   * cookies. Absent: read from `<storePath>.key`, made there (mode 0600) on the first start.
   */
  readonly storeKey?: string;
  /** The demo is served over https (behind a TLS proxy): `Secure` and `__Host-` cookies. */
  readonly secureCookies?: boolean;
}

export interface Demo {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly mode: 'emulator' | 'hh';
  /** The redirect URI the demo sends to `/oauth/authorize`. */
  readonly redirectUri: string;
  /** Emulator mode: the running emulator. */
  readonly emulator: Emulator | undefined;
  readonly hh: HhOAuth;
  /** Which store keeps the sessions, in words (no secrets: a Redis URL is shown without password). */
  readonly storeDescription: string;
  /** Where the demo's key lives (`given` when it came from the options). */
  readonly keySource: string;
  close(): Promise<void>;
}

/** The default data folder: `apps/demo/.demo-data/` from both `src/` and `dist/`. */
export const defaultStorePath = (mode: 'emulator' | 'hh') =>
  fileURLToPath(
    new URL(
      mode === 'hh' ? '../.demo-data/tokens.json' : '../.demo-data/emulator-tokens.json',
      import.meta.url,
    ),
  );

type Fetch = Parameters<typeof serve>[0]['fetch'];

function listenOnce(fetch: Fetch, port: number) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port, hostname: HOST }, () => resolve(server));
    server.once('error', reject);
  });
}

const inUse = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'EADDRINUSE';

/** Listens on `port`, or, when it is taken and `fallback` is set, on a free one. */
async function listen(fetch: Fetch, port: number, fallback: boolean): Promise<ServerType> {
  try {
    return await listenOnce(fetch, port);
  } catch (error) {
    if (port !== 0 && fallback && inUse(error)) return listenOnce(fetch, 0);
    throw error;
  }
}

async function emulatorOn(port: number, fallback: boolean, redirectUri: string) {
  try {
    return await startEmulator({ port, host: HOST, app: { redirectUri, name: 'hh-oauth demo' } });
  } catch (error) {
    if (port !== 0 && fallback && inUse(error)) {
      return startEmulator({ port: 0, host: HOST, app: { redirectUri, name: 'hh-oauth demo' } });
    }
    throw error;
  }
}

function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return `Redis at ${parsed.toString()}`;
  } catch {
    return 'Redis';
  }
}

async function setAsideUnsealed(path: string): Promise<string | undefined> {
  const aside = `${path}.unsealed`;
  try {
    await rename(path, aside);
    return aside;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Server-sent event streams stay open until closed from here.
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/**
 * Starts the demo. The HTTP server listens first (answering 503 for the moment it takes), so that
 * its port is known when the emulator's app is registered with the demo's callback URL.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const mode = options.live ? 'hh' : 'emulator';
  let handler: Fetch | undefined;
  const server = await listen(
    (request, env) => (handler ? handler(request, env) : new Response('starting', { status: 503 })),
    options.port ?? 0,
    options.portFallback ?? false,
  );
  const cleanups: (() => Promise<void>)[] = [() => closeServer(server)];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const { port } = server.address() as AddressInfo;
    const url = `http://${HOST}:${port}`;

    let emulator: Emulator | undefined;
    let now: () => number = Date.now;
    let redirectUri: string;
    let callbackPath = '/callback';
    if (options.live) {
      redirectUri = options.live.redirectUri;
      callbackPath = new URL(redirectUri).pathname;
    } else {
      redirectUri = `${url}/callback`;
      let started = options.emulator?.instance;
      if (started === undefined) {
        const owned = await emulatorOn(
          options.emulator?.port ?? 0,
          options.emulator?.portFallback ?? false,
          redirectUri,
        );
        cleanups.push(() => owned.close());
        started = owned;
      }
      const running = started;
      emulator = running;
      // The demo's clock is the emulator's: "advance 15 days" expires the token for both.
      now = () => running.controls.now();
    }

    const storePath = options.storePath ?? defaultStorePath(mode);
    const keys = await loadOrCreateKeys(`${storePath}.key`, options.storeKey);
    let store = options.store;
    let storeDescription = 'the given store';
    if (store === undefined) {
      if (options.redisUrl) {
        store = createRedisStore({ url: options.redisUrl });
        storeDescription = describeRedisUrl(options.redisUrl);
      } else {
        // A store from before the demo sealed its files cannot be read with the new key: set aside.
        const setAside = keys.created ? await setAsideUnsealed(storePath) : undefined;
        store = createFileStore({ path: storePath, now, encryptionKey: keys.storeKey });
        storeDescription = `file ${storePath} (AES-256-GCM)`;
        if (setAside)
          storeDescription += `; an older unsealed store was moved to ${setAside}: delete it`;
      }
      const owned = store;
      cleanups.push(() => owned.close());
    }

    const clock = { now };
    const hh = emulator
      ? createHhOAuth({
          clientId: emulator.app.clientId,
          clientSecret: emulator.app.clientSecret,
          redirectUri,
          userAgent: EMULATOR_USER_AGENT,
          store,
          oauthBaseUrl: emulator.url,
          apiBaseUrl: emulator.url,
          clock,
        })
      : createHhOAuth({
          clientId: options.live?.clientId ?? '',
          clientSecret: options.live?.clientSecret ?? '',
          redirectUri,
          userAgent: options.live?.userAgent ?? '',
          store,
          clock,
        });
    const transitions = createTransitionLog(hh);
    cleanups.push(async () => transitions.close());

    const app = createDemoApp({
      hh,
      transitions,
      now,
      mode,
      callbackPath,
      cookieSecret: keys.cookieSecret,
      secureCookies: options.secureCookies ?? false,
      authorizeOrigins: emulator ? [emulator.url] : ['https://hh.ru', 'https://*.hh.ru'],
      ...(emulator ? { emulatorUrl: emulator.url, users: emulator.users } : {}),
    });
    handler = (request, env) => app.fetch(request, env);
    const keySource = keys.source;
    return { url, mode, redirectUri, emulator, hh, storeDescription, keySource, close };
  } catch (error) {
    await close();
    throw error;
  }
}
