/**
 * The demo's routes, on `@hh-oauth/hono` (the published way): sign in, the callback and sign out
 * come from the package; the profile (`/me`, work accounts), the token panel (live state, refresh,
 * clock) and the app-token panel are the demo's. The browser holds signed cookies only (the session
 * id, the sign-in's state, a CSRF id: HttpOnly, SameSite=Lax, `__Host-` and Secure over https);
 * tokens stay in the store. Every POST checks `Origin` and a CSRF token; no page can be framed.
 */
import type { HhOAuth } from '@hh-oauth/client';
import { appTokenMachine, hasErrorCode, sessionMachine } from '@hh-oauth/core';
import { machineToMermaid } from '@hh-oauth/core/diagram';
import { createHhHono } from '@hh-oauth/hono';
import { createSigner } from '@hh-oauth/web';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { CSS, SCRIPT } from './assets.js';
import { type CsrfVariables, csrfProtection } from './csrf.js';
import { layoutGraph, parseMermaid } from './diagram.js';
import { describeError, formatDuration, formatTime, maskToken } from './format.js';
import { APP_TOKEN_ID, type TransitionLog } from './transitions.js';
import type { MachineView } from './views/diagram.js';
import type { PageContext } from './views/layout.js';
import {
  ErrorPage,
  HomePage,
  type ManagerAccount,
  ProfilePage,
  type SeededLogin,
} from './views/pages.js';
import { AppTokenPage, type Outcome, TokenPage } from './views/token.js';

export const SESSION_COOKIE = 'hh_demo_session';
/** The `state` of the authorization this browser started: the callback must come back with it. */
export const PENDING_COOKIE = 'hh_demo_pending';
/** What "Advance the emulator's clock" adds: 15 days, one more than an access token lives. */
export const ADVANCE_SECONDS = 15 * 24 * 60 * 60;

export interface DemoAppOptions {
  readonly hh: HhOAuth;
  readonly transitions: TransitionLog;
  /** The demo client's clock (the emulator's in emulator mode). */
  readonly now: () => number;
  readonly mode: 'emulator' | 'hh';
  /** Emulator mode: the emulator's URL (for `/__emulator/clock` and the console link). */
  readonly emulatorUrl?: string;
  /** Emulator mode: the seeded users, shown on the home page. */
  readonly users?: readonly SeededLogin[];
  /** The path hh.ru redirects back to (the redirect URI's path). Default `/callback`. */
  readonly callbackPath?: string;
  /** Whether cookies get `Secure` and `__Host-` (the demo is served over https). Default false. */
  readonly secureCookies?: boolean;
  /** Signs the cookies and CSRF tokens: 32+ characters (the demo derives it from its key). */
  readonly cookieSecret: string;
  /** Where "Sign in" may send the browser (CSP `form-action`): the emulator's or hh.ru's origin. */
  readonly authorizeOrigins?: readonly string[];
}

export type DemoEnv = { Variables: CsrfVariables & { sessionId: string | undefined } };

/** No framing, no script or style from elsewhere, forms only to the demo and hh.ru's sign-in. */
function contentSecurityPolicy(authorizeOrigins: readonly string[]) {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self' ${authorizeOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const machineView = (name: string, machine: Parameters<typeof machineToMermaid>[0]) => {
  const source = machineToMermaid(machine);
  const graph = parseMermaid(source);
  return { name, source, graph, layout: layoutGraph(graph) } satisfies MachineView;
};

export function createDemoApp(options: DemoAppOptions): Hono<DemoEnv> {
  const { hh, transitions, now, mode } = options;
  const sessionView = machineView('sessionMachine', sessionMachine);
  const appView = machineView('appTokenMachine', appTokenMachine);
  const secure = options.secureCookies ?? false;
  const csp = contentSecurityPolicy(options.authorizeOrigins ?? []);

  const app = new Hono<DemoEnv>();

  const pageContext = (c: Context<DemoEnv>): PageContext => ({
    mode,
    emulatorUrl: options.emulatorUrl,
    signedIn: c.var.sessionId !== undefined,
    now: now(),
    csrf: c.var.csrf,
  });

  const sessionId = (c: Context<DemoEnv>) => c.var.sessionId;

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
    // Not `no-referrer`: with it, browsers send `Origin: null` on the demo's own form POSTs.
    c.res.headers.set('Referrer-Policy', 'same-origin');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Content-Security-Policy', csp);
  });
  app.use(
    '*',
    csrfProtection({
      signer: createSigner(options.cookieSecret),
      secure,
      refuse: (c, reason) => {
        const error = { title: 'Request refused', message: reason, code: 'csrf' };
        const page = { ...pageContext(c as Context<DemoEnv>), csrf: '' };
        return c.html(<ErrorPage page={page} error={error} signInAgain={false} />, 403);
      },
    }),
  );

  const auth = createHhHono({
    hh,
    secret: options.cookieSecret,
    secure,
    paths: {
      signIn: '/signin',
      callback: options.callbackPath ?? '/callback',
      signOut: '/signout',
    },
    cookieNames: { session: SESSION_COOKIE, state: PENDING_COOKIE },
    afterSignIn: '/profile',
    afterSignOut: '/?signed_out',
    onError: (error, c) => {
      const ctx = c as Context<DemoEnv>;
      if (new URL(c.req.url).pathname === '/signout') {
        const shown = describeError(error, 'Sign-out could not reach hh.ru');
        return ctx.html(
          <ErrorPage page={pageContext(ctx)} error={shown} signInAgain={false} />,
          502,
        );
      }
      const title = hasErrorCode(error, 'access_denied')
        ? 'Access denied'
        : 'Sign-in did not complete';
      return ctx.html(
        <ErrorPage page={pageContext(ctx)} error={describeError(error, title)} signInAgain />,
        400,
      );
    },
  });
  app.use('*', async (c, next) => {
    c.set('sessionId', await auth.web.sessionId(c.req.raw));
    await next();
  });
  app.route('/', auth.routes);

  app.get('/assets/demo.css', (c) => c.body(CSS, 200, { 'Content-Type': 'text/css' }));
  app.get('/assets/demo.js', (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript' }));

  app.get('/', (c) =>
    c.html(
      <HomePage
        page={pageContext(c)}
        signedOut={c.req.query('signed_out') !== undefined}
        users={options.users ?? []}
      />,
    ),
  );

  /** The visitor's session id, or a redirect home when there is no live session to show. */
  const requireSession = async (c: Context<DemoEnv>): Promise<string | Response> => {
    const session = await auth.web.getSession(c.req.raw);
    return session === undefined ? c.redirect('/', 302) : session.sessionId;
  };

  app.get('/profile', async (c) => {
    const id = await requireSession(c);
    if (typeof id !== 'string') return id;
    const account = c.req.query('account') || undefined;
    const init = account === undefined ? {} : { managerAccountId: account };
    let me: Record<string, unknown> | undefined;
    let accounts: ManagerAccount[] = [];
    let error: ReturnType<typeof describeError> | undefined;
    try {
      me = await hh.me<Record<string, unknown>>(id, init);
      if (me['is_employer'] === true) {
        const mine = await hh.fetch<{ items?: ManagerAccount[] }>(id, '/manager_accounts/mine');
        accounts = mine.items ?? [];
      }
    } catch (cause) {
      error = describeError(cause, 'The API call failed');
    }
    return c.html(
      <ProfilePage
        page={pageContext(c)}
        me={me}
        accounts={accounts}
        account={account}
        error={error}
      />,
      me ? 200 : 502,
    );
  });

  const tokenPage = async (c: Context<DemoEnv>, id: string, outcome?: Outcome) =>
    c.html(
      <TokenPage
        page={pageContext(c)}
        record={await hh.session(id)}
        transitions={transitions.recent(id)}
        machine={sessionView}
        outcome={outcome}
      />,
    );

  app.get('/token', async (c) => {
    const id = await requireSession(c);
    return typeof id === 'string' ? tokenPage(c, id) : id;
  });

  app.post('/token/refresh', async (c) => {
    const id = await requireSession(c);
    if (typeof id !== 'string') return id;
    try {
      const token = await hh.refresh(id);
      return tokenPage(c, id, {
        kind: 'info',
        title: 'Refreshed',
        message: `hh.ru issued a new pair (access token ${maskToken(token)}); the old refresh token is spent.`,
      });
    } catch (cause) {
      const error = describeError(
        cause,
        hasErrorCode(cause, 'token_not_expired')
          ? 'Refresh refused: token not expired'
          : 'Refresh failed',
      );
      return tokenPage(c, id, { kind: 'error', error });
    }
  });

  app.post('/token/advance-clock', async (c) => {
    const id = await requireSession(c);
    if (typeof id !== 'string') return id;
    if (options.emulatorUrl === undefined) return c.text('Only in emulator mode.', 404);
    const answer = await fetch(`${options.emulatorUrl}/__emulator/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: ADVANCE_SECONDS }),
    });
    if (!answer.ok) {
      const error = { title: 'The emulator refused', message: `HTTP ${answer.status}` };
      return tokenPage(c, id, { kind: 'error', error });
    }
    const { now: moved } = (await answer.json()) as { now: number };
    return tokenPage(c, id, {
      kind: 'info',
      title: 'Clock advanced 15 days',
      message: `The emulator's clock (and this demo's) now reads ${formatTime(moved)}. The access token has expired; nothing happens until it is needed: reload the profile and the client refreshes the pair first.`,
    });
  });

  const appTokenPage = async (c: Context<DemoEnv>, outcome?: Outcome) =>
    c.html(
      <AppTokenPage
        page={pageContext(c)}
        record={await hh.appToken()}
        transitions={transitions.recent(APP_TOKEN_ID)}
        machine={appView}
        outcome={outcome}
      />,
    );

  app.get('/app-token', (c) => appTokenPage(c));
  app.post('/app-token', async (c) => {
    try {
      const token = await hh.getAppToken();
      return appTokenPage(c, {
        kind: 'info',
        title: 'App token ready',
        message: `The application token is ${maskToken(token)} (shared through the store).`,
      });
    } catch (cause) {
      const error = describeError(cause, 'No app token');
      const wait =
        error.retryAt === undefined ? '' : ` (${formatDuration(error.retryAt - now())} to wait)`;
      return appTokenPage(c, { kind: 'error', error: { ...error, message: error.message + wait } });
    }
  });

  // The panels' live data: secret-free facts only.
  app.get('/api/session', async (c) => {
    const id = sessionId(c);
    const record = id === undefined ? undefined : await hh.session(id);
    if (record === undefined) return c.json({ status: 'none' }, 404);
    return c.json({
      status: record.status,
      accessToken: record.tokens ? maskToken(record.tokens.accessToken) : null,
      hasRefreshToken: record.tokens?.refreshToken !== undefined,
      obtainedAt: record.tokens?.obtainedAt ?? null,
      expiresAt: record.tokens?.expiresAt ?? null,
      retryAt: record.retryAt ?? null,
      error: record.error?.code ?? null,
      now: now(),
    });
  });

  app.get('/api/app-token', async (c) => {
    const record = await hh.appToken();
    return c.json({
      status: record?.status ?? 'none',
      token: record?.token ? maskToken(record.token.accessToken) : null,
      lastRequestAt: record?.lastRequestAt ?? null,
      nextRequestAt:
        record?.retryAt ??
        (record?.lastRequestAt === undefined ? null : record.lastRequestAt + 5 * 60 * 1000),
      error: record?.error?.code ?? null,
      now: now(),
    });
  });

  const events = (c: Context<DemoEnv>, id: string) =>
    streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      const closed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const off = transitions.watch(id, (t) => {
        void stream.writeSSE({
          event: 'transition',
          data: JSON.stringify({ state: t.state, at: t.at }),
        });
      });
      stream.onAbort(() => {
        off();
        wake();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      await closed;
    });

  app.get('/events', (c) => {
    const id = sessionId(c);
    return id === undefined ? c.body(null, 204) : events(c, id);
  });
  app.get('/events/app', (c) => events(c, APP_TOKEN_ID));

  app.notFound((c) =>
    c.html(
      <ErrorPage
        page={pageContext(c)}
        error={{ title: 'Not found', message: `Nothing at ${c.req.path}.` }}
        signInAgain={false}
      />,
      404,
    ),
  );
  app.onError((error, c) => {
    // Names only: a message could in principle carry request data; hh-oauth's never carry secrets.
    console.error(`[hh-oauth-demo] ${c.req.method} ${c.req.path}: ${error.name}`);
    return c.html(
      <ErrorPage page={pageContext(c)} error={describeError(error)} signInAgain={false} />,
      500,
    );
  });

  return app;
}
