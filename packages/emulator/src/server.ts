import type { AddressInfo } from 'node:net';
import { parseRedirectUri } from '@hh-oauth/core';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createControls, type EmulatorControls } from './controls.js';
import { EmulatorInputError } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes } from './routes/api.js';
import { authorizeRoutes } from './routes/authorize.js';
import { controlRoutes } from './routes/controls.js';
import { CONTROL_PREFIX, faultMiddleware } from './routes/faults.js';
import { isTokenRequest, tokenRoutes } from './routes/token.js';
import {
  capControlBody,
  capFormBody,
  controlsRequireJson,
  type HostRules,
  hostGuard,
  hostRules,
  securityHeaders,
} from './security.js';
import { APPLICANT, EMPLOYER, type SeededUser } from './seed.js';
import { EmulatorState, type StateOptions } from './state.js';

export interface EmulatorOptions extends StateOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /**
   * More names the `Host` header may carry (any port), e.g. a container's service name. The
   * bound address (and on loopback `localhost`, `127.0.0.1`, `[::1]`) is always accepted; any
   * other Host is refused with 421 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
}

export interface Emulator {
  /** Where the emulator listens, e.g. `http://127.0.0.1:39041`: both `oauthBaseUrl` and `apiBaseUrl`. */
  readonly url: string;
  /** The seeded application. */
  readonly app: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
  };
  /** The seeded users and their fixed credentials. */
  readonly users: readonly SeededUser[];
  /** Clock, codes, stats, TTLs, user states, faults: the same operations as `/__emulator/*`. */
  readonly controls: EmulatorControls;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** The whole emulator as a Hono app over one state (no listening; `app.request()` works too). */
export function createEmulatorApp(
  state: EmulatorState,
  controls: EmulatorControls,
  options: { hosts?: HostRules } = {},
) {
  const app = new Hono();
  if (options.hosts) app.use('*', hostGuard(options.hosts));
  app.use('*', async (c, next) => (isTokenRequest(c) ? next() : securityHeaders(c, next)));
  app.use(`${CONTROL_PREFIX}/*`, controlsRequireJson, capControlBody);
  for (const path of ['/oauth/authorize/*', '/admin', '/admin/*']) app.post(path, capFormBody);
  app.use('*', faultMiddleware(state, isTokenRequest));
  // Browsers call the API directly (they send HH-User-Agent, since they cannot set User-Agent),
  // so the API answers CORS preflights as api.hh.ru does.
  const apiCors = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: [
      'Authorization',
      'HH-User-Agent',
      'X-Manager-Account-Id',
      'Content-Type',
      'Accept',
    ],
    maxAge: 600,
  });
  for (const path of ['/me', '/manager_accounts/*']) app.use(path, apiCors);
  app.on(['DELETE', 'OPTIONS'], '/oauth/token', apiCors);
  app.route('/', controlRoutes(controls));
  app.route('/', tokenRoutes(state));
  app.route('/', apiRoutes(state));
  app.route('/', authorizeRoutes(state));
  app.route('/', adminRoutes(state));
  app.get('/', (c) => c.redirect('/admin', 302));
  app.notFound((c) => c.json({ errors: [{ type: 'not_found' }], description: 'Not Found' }, 404));
  app.onError((error, c) => {
    console.error(`[hh-oauth-emulator] ${c.req.method} ${c.req.path}: ${error.name}`);
    return c.json({ errors: [{ type: 'server_error' }] }, 500);
  });
  return app;
}

type Fetch = Parameters<typeof serve>[0]['fetch'];

function listen(fetch: Fetch, port: number, hostname: string) {
  return new Promise<ServerType>((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * Starts hh.ru in a box on `host` (default 127.0.0.1) and a free port (or `port`).
 *
 * The seeded application's redirect URI defaults to `{url}/callback`, a page of the emulator that
 * shows what came back; pass `app: { redirectUri }` to register your own (e.g. the demo's).
 *
 * @example
 * const emulator = await startEmulator();
 * // oauthBaseUrl = apiBaseUrl = emulator.url
 * emulator.controls.advanceClock(1_209_600); // the access token is now expired
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const wanted = options.app?.redirectUri;
  const parsed = wanted === undefined ? undefined : parseRedirectUri(wanted);
  if (parsed && !parsed.ok) throw new EmulatorInputError(`app.redirectUri ${parsed.message}`);
  let handler: Fetch | undefined;
  const server = await listen(
    (request, env) => (handler ? handler(request, env) : new Response('starting', { status: 503 })),
    options.port ?? 0,
    host,
  );
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const state = new EmulatorState(options, `${url}/callback`);
  const controls = createControls(state);
  const hosts = hostRules(host, port, options.allowedHosts);
  const app = createEmulatorApp(state, controls, { hosts });
  handler = (request, env) => app.fetch(request, env);
  const { clientId, clientSecret, redirectUri } = state.seededApp;
  return {
    url,
    app: { clientId, clientSecret, redirectUri },
    users: [APPLICANT, EMPLOYER],
    controls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
