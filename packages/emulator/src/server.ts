import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { parseConfig } from './config.js';
import { createControls, type EmulatorControls } from './controls.js';
import { type Fetch, listen } from './listener.js';
import { requestLogMiddleware } from './request-log.js';
import { adminRoutes } from './routes/admin.js';
import { apiRoutes, stubResponse } from './routes/api.js';
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
import { APPLICANT, EMPLOYER, type SeededUser, seededUserOf } from './seed.js';
import { EmulatorState, type StateOptions } from './state.js';
import { matchesRoute } from './stub-routes.js';
import { EMULATOR_VERSION } from './version.js';

/** Every option of `startEmulator`; the same keys a `--config` file has (see README.md). */
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
  /** The package's version. */
  readonly version: string;
  /** The seeded and configured users and their credentials. */
  readonly users: readonly SeededUser[];
  /** Clock, codes, stats, TTLs, user states, faults: the same operations as `/__emulator/*`. */
  readonly controls: EmulatorControls;
  /** Requests whose answer has not finished yet. */
  inFlight(): number;
  /**
   * Stops listening. By default closes open connections at once; with `drainMs`, requests in
   * flight may finish for up to that long first (what the CLI does on SIGTERM).
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** The whole emulator as a Hono app over one state (no listening; `app.request()` works too). */
export function createEmulatorApp(
  state: EmulatorState,
  controls: EmulatorControls,
  options: { hosts?: HostRules; inFlight?: () => number } = {},
) {
  const app = new Hono();
  if (options.hosts) app.use('*', hostGuard(options.hosts));
  app.use(
    '*',
    requestLogMiddleware(state.requestLog, () => state.now()),
  );
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
  // The token endpoint too (a browser app may exchange a code or refresh itself): preflights
  // and DELETE here; its POST answers carry `Access-Control-Allow-Origin: *` themselves.
  for (const path of ['/oauth/token', '/token']) {
    app.on(['OPTIONS', 'DELETE'], path, apiCors);
  }
  app.route('/', controlRoutes(controls, options.inFlight));
  app.route('/', tokenRoutes(state));
  app.route('/', apiRoutes(state));
  app.route('/', authorizeRoutes(state));
  app.route('/', adminRoutes(state));
  app.get('/', (c) => c.redirect('/admin', 302));
  // Stub API routes registered by the CI, last: they never shadow the emulator's own paths.
  app.all('*', async (c, next) => {
    if (state.routes.length === 0) return next();
    if (c.req.method === 'OPTIONS') {
      const wanted = c.req.header('access-control-request-method') ?? 'GET';
      const known = state.routes.some((r) => matchesRoute(r, wanted.toUpperCase(), c.req.path));
      return known ? apiCors(c, next) : next();
    }
    const answer = stubResponse(c, state);
    if (!answer) return next();
    await apiCors(c, async () => {
      c.res = answer;
    });
    return c.res;
  });
  app.notFound((c) => c.json({ errors: [{ type: 'not_found' }], description: 'Not Found' }, 404));
  app.onError((error, c) => {
    console.error(`[hh-oauth-emulator] ${c.req.method} ${c.req.path}: ${error.name}`);
    return c.json({ errors: [{ type: 'server_error' }] }, 500);
  });
  return app;
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
  // Every option is checked before anything binds: a bad one is an EmulatorInputError naming it.
  parseConfig(options, 'options');
  const host = options.host ?? '127.0.0.1';
  let handler: Fetch | undefined;
  const listener = await listen(() => handler, options.port ?? 0, host);
  const { port } = listener;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let state: EmulatorState;
  try {
    state = new EmulatorState(options, `${url}/callback`);
  } catch (error) {
    await listener.close();
    throw error;
  }
  const controls = createControls(state);
  const hosts = hostRules(host, port, options.allowedHosts);
  const app = createEmulatorApp(state, controls, { hosts, inFlight: () => listener.inFlight() });
  handler = (request, env) => app.fetch(request, env);
  const { clientId, clientSecret, redirectUri } = state.seededApp;
  return {
    url,
    version: EMULATOR_VERSION,
    app: { clientId, clientSecret, redirectUri },
    users: [APPLICANT, EMPLOYER, ...(options.users ?? []).map(seededUserOf)],
    controls,
    inFlight: () => listener.inFlight(),
    close: (closeOptions) => listener.close(closeOptions),
  };
}
