/**
 * The demo's routes: sign in, the callback, the profile (`/me`, work accounts), the token panel
 * (live state, refresh, clock, sign out) and the app-token panel. The only state in the browser is
 * a session cookie holding the session id (httpOnly, SameSite=Lax); tokens stay in the store.
 */
import type { HhOAuth } from '@hh-oauth/client';
import { appTokenMachine, hasErrorCode, sessionMachine } from '@hh-oauth/core';
import { machineToMermaid } from '@hh-oauth/core/diagram';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { CSS, SCRIPT } from './assets.js';
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
  /** Whether cookies get `Secure` (when the demo is served over https). Default false. */
  readonly secureCookies?: boolean;
}

const machineView = (name: string, machine: Parameters<typeof machineToMermaid>[0]) => {
  const source = machineToMermaid(machine);
  const graph = parseMermaid(source);
  return { name, source, graph, layout: layoutGraph(graph) } satisfies MachineView;
};

export function createDemoApp(options: DemoAppOptions): Hono {
  const { hh, transitions, now, mode } = options;
  const sessionView = machineView('sessionMachine', sessionMachine);
  const appView = machineView('appTokenMachine', appTokenMachine);
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: options.secureCookies ?? false,
  } as const;

  const app = new Hono();

  const pageContext = (c: Context): PageContext => ({
    mode,
    emulatorUrl: options.emulatorUrl,
    signedIn: getCookie(c, SESSION_COOKIE) !== undefined,
    now: now(),
  });

  const sessionId = (c: Context) => getCookie(c, SESSION_COOKIE);

  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Content-Type-Options', 'nosniff');
  });

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

  app.post('/signin', async (c) => {
    const form = await c.req.parseBody();
    const start = await hh.startAuthorization({
      forceLogin: form['force_login'] === 'true',
      skipChooseAccount: form['skip_choose_account'] === 'true',
    });
    setCookie(c, PENDING_COOKIE, start.state, { ...cookieOptions, maxAge: 600 });
    return c.redirect(start.url, 302);
  });

  const callback = async (c: Context) => {
    const started = getCookie(c, PENDING_COOKIE);
    deleteCookie(c, PENDING_COOKIE, { path: '/' });
    // The client checks the callback's `state` against the one this browser was given (kept in
    // its cookie) before it consumes anything: that binds the callback to the browser that
    // started the sign-in (RFC 9700 §4.7: CSRF), so a link with someone else's code and state
    // cannot sign this browser in.
    if (started === undefined) {
      const error = {
        title: 'Sign-in not started in this browser',
        message:
          'hh.ru came back to a browser that has no sign-in under way (or it took longer than 10 minutes).',
        code: 'state_mismatch',
        hint: 'Start the sign-in again from this browser.',
      };
      return c.html(<ErrorPage page={pageContext(c)} error={error} signInAgain />, 400);
    }
    try {
      const { sessionId: id } = await hh.completeAuthorization(c.req.url, {
        expectedState: started,
      });
      setCookie(c, SESSION_COOKIE, id, { ...cookieOptions, maxAge: 30 * 24 * 60 * 60 });
      return c.redirect('/profile', 302);
    } catch (error) {
      const title = hasErrorCode(error, 'access_denied')
        ? 'Access denied'
        : 'Sign-in did not complete';
      return c.html(
        <ErrorPage page={pageContext(c)} error={describeError(error, title)} signInAgain />,
        400,
      );
    }
  };
  app.get('/callback', callback);
  if (options.callbackPath && options.callbackPath !== '/callback') {
    app.get(options.callbackPath, callback);
  }

  /** The visitor's session id, or a redirect home when there is no live session to show. */
  const requireSession = async (c: Context): Promise<string | Response> => {
    const id = sessionId(c);
    if (id === undefined) return c.redirect('/', 302);
    const record = await hh.session(id);
    if (record === undefined || record.status === 'idle' || record.status === 'authorizing') {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/', 302);
    }
    if (record.status === 'signedOut') {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/?signed_out', 302);
    }
    return id;
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

  const tokenPage = async (c: Context, id: string, outcome?: Outcome) =>
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

  app.post('/signout', async (c) => {
    const id = sessionId(c);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    if (id === undefined) return c.redirect('/', 302);
    try {
      await hh.revoke(id);
    } catch (cause) {
      const error = describeError(cause, 'Sign-out could not reach hh.ru');
      return c.html(<ErrorPage page={pageContext(c)} error={error} signInAgain={false} />, 502);
    }
    return c.redirect('/?signed_out', 302);
  });

  const appTokenPage = async (c: Context, outcome?: Outcome) =>
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

  const events = (c: Context, id: string) =>
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
