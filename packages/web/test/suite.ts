/**
 * The sign-in suite every integration runs (web, Hono, Express, Fastify): one app under test on
 * 127.0.0.1, the emulator as hh.ru, Debian's Chromium as the user. The app mounts the handlers at
 * the default paths and serves `/` ({@link homePage}) and `/profile` ({@link profilePage}, behind
 * its framework's session guard, 401 without a session).
 */
import { createHhOAuth, type HhOAuth } from '@hh-oauth/client';
import { APPLICANT, EMPLOYER, type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createMemoryStore } from '@hh-oauth/storage';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Me } from '../src/index.js';

export const SECRET = 'suite-secret-0123456789abcdef0123456789';
export const USER_AGENT = 'hh-oauth-web-tests/1.0 (tests@example.com)';
/** 15 days: one more than an access token lives. */
export const FIFTEEN_DAYS = 15 * 24 * 60 * 60;

export interface AppUnderTest {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the app with the given runtime and cookie secret, on 127.0.0.1 and a free port. */
export type StartApp = (hh: HhOAuth, secret: string) => Promise<AppUnderTest>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `/`: a sign-in link, a sign-out form, and the `hh_error` a failed sign-in came back with. */
export function homePage(url: string): string {
  const error = new URL(url).searchParams.get('hh_error') ?? '';
  return `<!doctype html><title>home</title>
<a href="/auth/signin">Sign in with hh.ru</a>
<form method="post" action="/auth/signin"><input type="hidden" name="force_login" value="true"><button>Sign in with another account</button></form>
<form method="post" action="/auth/signout"><button>Sign out</button></form>
<output id="error">${escapeHtml(error)}</output>`;
}

/** `/profile`: the signed-in user's e-mail from `me()`. */
export function profilePage(me: Me): string {
  const email = me.auth_type === 'application' ? '' : (me.email ?? '');
  return `<!doctype html><title>profile</title><p id="email">${escapeHtml(email)}</p>`;
}

interface Harness {
  readonly emulator: Emulator;
  readonly app: AppUnderTest;
  readonly browser: Browser;
  readonly hh: HhOAuth;
  readonly register: () => void;
}

export function signInSuite(name: string, start: StartApp): void {
  let harness: Harness | undefined;
  const h = () => {
    if (!harness) throw new Error('not started');
    return harness;
  };

  beforeAll(async () => {
    const emulator = await startEmulator();
    const clientId = `suite-${name}`;
    const clientSecret = `suite-secret-${name}`;
    const hh = createHhOAuth({
      clientId,
      clientSecret,
      userAgent: USER_AGENT,
      store: createMemoryStore({ now: () => emulator.controls.now() }),
      oauthBaseUrl: emulator.url,
      apiBaseUrl: emulator.url,
      clock: { now: () => emulator.controls.now() },
    });
    const app = await start(hh, SECRET);
    const register = () => {
      emulator.controls.registerApp({
        clientId,
        clientSecret,
        redirectUri: `${app.url}/auth/callback`,
      });
    };
    harness = { emulator, app, hh, register, browser: await launchChromium() };
  });
  // hh.ru remembers a user's consent: each test starts from the seeded emulator, app registered.
  beforeEach(() => {
    h().emulator.controls.reset();
    h().register();
  });
  afterAll(async () => {
    await harness?.browser.close();
    await harness?.app.close();
    await harness?.emulator.close();
  });

  const withPage = async (test: (page: Page, context: BrowserContext) => Promise<void>) => {
    const context = await h().browser.newContext();
    try {
      await test(await context.newPage(), context);
    } finally {
      await context.close();
    }
  };

  const signInAtHh = async (page: Page, login: string, password: string) => {
    await page.goto(`${h().app.url}/`);
    await page.getByRole('link', { name: 'Sign in with hh.ru' }).click();
    const form = page.getByLabel('Login');
    await form.waitFor();
    await form.fill(login);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };

  const signIn = async (page: Page) => {
    await signInAtHh(page, APPLICANT.login, APPLICANT.password);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${h().app.url}/profile`);
  };

  const sessionCookie = async (context: BrowserContext) => {
    const cookie = (await context.cookies(h().app.url)).find((c) => c.name === 'hh_session');
    if (!cookie) throw new Error('no session cookie');
    return cookie;
  };

  const stats = () => h().emulator.controls.stats().token;

  describe(`${name}: sign in with hh.ru`, () => {
    it('sign in → consent → profile; the session cookie is signed, HttpOnly, SameSite=Lax', async () => {
      await withPage(async (page, context) => {
        await signIn(page);
        await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);
        const cookie = await sessionCookie(context);
        expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
        const [sessionId, signature] = cookie.value.split('.');
        expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
        await expect(h().hh.session(sessionId ?? '')).resolves.toMatchObject({
          status: 'authorized',
        });
        // The state cookie was good for one callback.
        expect((await context.cookies(h().app.url)).map((c) => c.name)).not.toContain('hh_state');
      });
    });

    it('deny → the error redirect with access_denied, and no session', async () => {
      await withPage(async (page, context) => {
        await signInAtHh(page, EMPLOYER.login, EMPLOYER.password);
        await page.getByRole('button', { name: 'Deny' }).click();
        await page.waitForURL((url) => url.searchParams.get('hh_error') === 'access_denied');
        expect(new URL(page.url()).searchParams.get('hh_recovery')).toBe('reauthorize');
        await expect(page.locator('#error').textContent()).resolves.toBe('access_denied');
        expect((await context.cookies(h().app.url)).map((c) => c.name)).not.toContain('hh_session');
      });
    });

    it('a forged state is state_mismatch; a callback with no sign-in under way is state_missing', async () => {
      await withPage(async (page) => {
        const before = stats().authorization_code;
        await page.goto(`${h().app.url}/auth/callback?code=forged&state=forged`);
        await expect(page.locator('#error').textContent()).resolves.toBe('state_missing');
        // A sign-in under way in this browser, and a callback with another state.
        await page.goto(`${h().app.url}/auth/signin`);
        await page.getByLabel('Login').waitFor();
        await page.goto(`${h().app.url}/auth/callback?code=forged&state=forged`);
        await expect(page.locator('#error').textContent()).resolves.toBe('state_mismatch');
        expect(stats().authorization_code).toBe(before);
      });
    });

    it('a replayed callback signs nobody in, with or without the state cookie', async () => {
      await withPage(async (page, context) => {
        let callback: string | undefined;
        page.on('request', (request) => {
          if (request.url().includes('/auth/callback?')) callback = request.url();
        });
        await signInAtHh(page, APPLICANT.login, APPLICANT.password);
        const started = (await context.cookies(h().app.url)).find((c) => c.name === 'hh_state');
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL(`${h().app.url}/profile`);
        const before = stats().authorization_code;
        expect(callback).toContain('code=');
        // The browser again (its state cookie is gone): state_missing.
        await page.goto(callback ?? '');
        await expect(page.locator('#error').textContent()).resolves.toBe('state_missing');
        // The same request, state cookie and all: the pending authorization was consumed.
        const state = `hh_state=${started?.value}`;
        const replay = await fetch(callback ?? '', {
          headers: { cookie: state },
          redirect: 'manual',
        });
        expect(
          new URL(replay.headers.get('location') ?? '', h().app.url).searchParams.get('hh_error'),
        ).toBe('state_mismatch');
        expect(replay.headers.getSetCookie().join('\n')).not.toContain('hh_session=');
        expect(stats().authorization_code).toBe(before);
        await expect(context.cookies(h().app.url)).resolves.toContainEqual(
          expect.objectContaining({ name: 'hh_session' }),
        );
      });
    });

    it('a forged or missing session cookie is no session', async () => {
      await withPage(async (page, context) => {
        await signIn(page);
        const real = (await sessionCookie(context)).value;
        const [sessionId = '', signature = ''] = real.split('.');
        const profile = (cookie?: string) =>
          fetch(`${h().app.url}/profile`, cookie === undefined ? {} : { headers: { cookie } });
        expect((await profile(`hh_session=${real}`)).status).toBe(200);
        const forgeries = [
          undefined,
          `hh_session=${sessionId}`,
          `hh_session=${sessionId}.${signature.slice(1)}A`,
          `hh_session=other-session.${signature}`,
          `hh_session=${sessionId}.`,
          `hh_session=`,
        ];
        for (const forged of forgeries) expect((await profile(forged)).status).toBe(401);
      });
    });

    it('a cross-site sign-out POST is refused; the same-origin one revokes the token', async () => {
      await withPage(async (page, context) => {
        await signIn(page);
        const sessionId = (await sessionCookie(context)).value.split('.')[0] ?? '';
        const token = (await h().hh.session(sessionId))?.tokens?.accessToken ?? '';
        // Another origin (same site: the cookie is sent, so only the Origin check stops it).
        const { createServer } = await import('node:http');
        const evil = createServer((_, res) => {
          res.setHeader('Content-Type', 'text/html');
          res.end(
            `<form method="post" action="${h().app.url}/auth/signout"><button>Win a prize</button></form>`,
          );
        });
        await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
        try {
          const { port } = evil.address() as { port: number };
          await page.goto(`http://127.0.0.1:${port}/`);
          const [answer] = await Promise.all([
            page.waitForResponse((r) => r.url() === `${h().app.url}/auth/signout`),
            page.getByRole('button', { name: 'Win a prize' }).click(),
          ]);
          expect(answer.status()).toBe(403);
        } finally {
          await new Promise((resolve) => evil.close(resolve));
        }
        await expect(h().hh.session(sessionId)).resolves.toMatchObject({ status: 'authorized' });
        await page.goto(`${h().app.url}/profile`);
        await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);

        await page.goto(`${h().app.url}/`);
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(`${h().app.url}/`);
        await expect(h().hh.session(sessionId)).resolves.toMatchObject({ status: 'signedOut' });
        expect((await context.cookies(h().app.url)).map((c) => c.name)).not.toContain('hh_session');
        const me = await fetch(`${h().emulator.url}/me`, {
          headers: { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT },
        });
        expect(me.status).toBe(403);
        expect(
          (await fetch(`${h().app.url}/profile`, { headers: { cookie: `hh_session=x` } })).status,
        ).toBe(401);
      });
    });

    it('a same-origin form POST starts a sign-in with its options (force_login)', async () => {
      await withPage(async (page) => {
        await signIn(page);
        await page.goto(`${h().app.url}/`);
        await page.getByRole('button', { name: 'Sign in with another account' }).click();
        await page.getByLabel('Login').waitFor();
        expect(new URL(page.url()).searchParams.get('force_login')).toBe('true');
      });
    });

    it('15 days later the profile loads after exactly one refresh', async () => {
      await withPage(async (page) => {
        await signIn(page);
        const before = stats().refresh_token;
        h().emulator.controls.advanceClock(FIFTEEN_DAYS);
        await page.reload();
        await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);
        expect(stats().refresh_token).toBe(before + 1);
        await page.reload();
        await expect(page.locator('#email').textContent()).resolves.toBe(APPLICANT.login);
        expect(stats().refresh_token).toBe(before + 1);
      });
    });
  });
}
