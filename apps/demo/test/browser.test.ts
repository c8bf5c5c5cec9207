// "Sign in with hh.ru", end to end: the demo and its in-process emulator in Debian's Chromium.
import { APPLICANT, EMPLOYER } from '@hh-oauth/emulator';
import { describe, expect, it } from 'vitest';
import {
  open,
  sessionIdOf,
  signInAtHh,
  signInFully,
  startSignIn,
  stats,
  useDemo,
} from './helpers.js';

const harness = useDemo();
/** A fresh access token's countdown: 14 days, give or take the second the page took. */
const FRESH = /^in (13 d 23 h 59 min|14 d 0 h 0 min)/;

describe('the demo in a browser', () => {
  it('sign in → consent → profile, and the token panel shows no token in full', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'sign-in');
    try {
      await page.goto(demo.url);
      await shot('home');
      await page.getByRole('button', { name: 'Sign in with hh.ru' }).click();
      await page.getByLabel('Login').waitFor();
      await shot('hh-login');
      await signInAtHh(page, APPLICANT.login, APPLICANT.password);
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      await shot('hh-consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${demo.url}/profile`);
      await expect(page.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
      await expect(page.locator('#profile-role').textContent()).resolves.toBe('applicant');
      await shot('profile');

      const cookie = (await context.cookies(demo.url)).find((c) => c.name === 'hh_demo_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      await page.getByRole('link', { name: 'Token panel' }).click();
      await expect(page.locator('#current-state').textContent()).resolves.toBe('authorized');
      await expect(page.locator('g.state.current').getAttribute('data-state')).resolves.toBe(
        'authorized',
      );
      await expect(page.locator('#access-token').textContent()).resolves.toMatch(/^.{1,6}…$/);
      await expect(page.locator('#expires-in').textContent()).resolves.toMatch(FRESH);
      const record = await demo.hh.session(await sessionIdOf(context));
      const html = await page.content();
      expect(record?.tokens?.accessToken).toBeTruthy();
      expect(html).not.toContain(record?.tokens?.accessToken);
      expect(html).not.toContain(record?.tokens?.refreshToken);
      await shot('token-panel');
    } finally {
      await context.close();
    }
  });

  it('deny → an error page with the code and the recovery hint', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'deny');
    try {
      await startSignIn(page, demo);
      await signInAtHh(page, EMPLOYER.login, EMPLOYER.password);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.waitForURL((url) => url.pathname === '/callback');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Access denied',
      );
      await expect(page.locator('.error-code').textContent()).resolves.toBe('access_denied');
      await expect(page.locator('.hint').first().textContent()).resolves.toBe(
        'Sign in with hh.ru again: this grant is gone.',
      );
      await shot('error-page');
      expect((await context.cookies(demo.url)).map((c) => c.name)).not.toContain('hh_demo_session');
      await page.locator('#sign-in-again').click();
      await page.waitForURL(`${demo.url}/`);
    } finally {
      await context.close();
    }
  });

  it('a callback this browser did not start is refused (state bound to the browser)', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'foreign-callback');
    try {
      // No sign-in under way in this browser: no state cookie, so the callback is `state_missing`.
      const response = await page.goto(`${demo.url}/callback?code=hhc_forged&state=forged`);
      expect(response?.status()).toBe(400);
      await expect(page.locator('.error-code').textContent()).resolves.toBe('state_missing');
      await shot('error-page');
      // A sign-in under way in this browser, and a callback with another state: refused too.
      await startSignIn(page, demo);
      await page.getByLabel('Login').waitFor();
      const forged = await page.goto(`${demo.url}/callback?code=hhc_forged&state=forged`);
      expect(forged?.status()).toBe(400);
      await expect(page.locator('.error-code').textContent()).resolves.toBe('state_mismatch');
      await shot('state-mismatch');
    } finally {
      await context.close();
    }
  });

  it('force login → the login form again, where the account chooser would be', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'force-login');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      // Signed in at hh.ru and already allowed: hh.ru offers "continue as / switch account".
      await startSignIn(page, demo);
      await page.getByRole('button', { name: 'Continue' }).waitFor();
      await shot('account-chooser');
      // force_login=true: the login form, even though signed in at hh.ru.
      await startSignIn(page, demo, { forceLogin: true });
      await page.getByLabel('Login').waitFor();
      expect(new URL(page.url()).searchParams.get('force_login')).toBe('true');
      await shot('login-again');
      await signInAtHh(page, APPLICANT.login, APPLICANT.password);
      await page.waitForURL(`${demo.url}/profile`);
      await expect(page.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
      // skip_choose_account=true: straight back, no chooser.
      await startSignIn(page, demo, { skipChooseAccount: true });
      await page.waitForURL(`${demo.url}/profile`);
      await shot('profile');
    } finally {
      await context.close();
    }
  });

  it('an employer switches work accounts (X-Manager-Account-Id)', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'employer');
    try {
      await signInFully(page, demo, EMPLOYER.login, EMPLOYER.password);
      await expect(page.locator('#profile-role').textContent()).resolves.toBe('employer');
      await expect(page.locator('#profile-manager').textContent()).resolves.toContain(
        'Example Employer LLC',
      );
      await shot('main-account');
      await page.getByLabel(/Work account/).selectOption('4002');
      await page.getByRole('button', { name: 'Switch work account' }).click();
      await page.waitForURL((url) => url.searchParams.get('account') === '4002');
      await expect(page.locator('#profile-manager').textContent()).resolves.toContain('Recruiting');
      await shot('second-account');
    } finally {
      await context.close();
    }
  });

  it('refresh before expiry is refused; 15 days later the next API call refreshes, once, unseen', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'refresh');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      await page.goto(`${demo.url}/token`);

      await page.getByRole('button', { name: 'Refresh now' }).click();
      await expect(page.locator('.error-code').textContent()).resolves.toBe('token_not_expired');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Retry at');
      await shot('refresh-refused');
      expect((await stats(demo)).token.refresh_token).toBe(0);

      await page.getByRole('button', { name: "Advance the emulator's clock 15 days" }).click();
      await expect(page.locator('#expires-in').textContent()).resolves.toMatch(/^expired 1 d/);
      await page.locator('[data-live][data-connected]').waitFor();
      await shot('clock-advanced');

      // The profile in a second tab: the API call finds the token expired and refreshes first.
      const profile = await context.newPage();
      await profile.goto(`${demo.url}/profile`);
      await expect(profile.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
      expect((await stats(demo)).token.refresh_token).toBe(1);

      // The token panel saw it live (server-sent events from hh.onTransition).
      await page.locator('#transition-log li', { hasText: 'refreshing' }).waitFor();
      await page.locator('g.state.current[data-state="authorized"]').waitFor();
      // The panel re-reads its facts after each transition: the countdown starts again.
      await page.locator('#expires-in', { hasText: FRESH }).waitFor();
      await shot('refreshed-live');

      await profile.reload();
      await expect(profile.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
      expect((await stats(demo)).token.refresh_token).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('sign out → the token is invalidated and the profile is gone', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'sign-out');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      const sessionId = await sessionIdOf(context);
      const accessToken = (await demo.hh.session(sessionId))?.tokens?.accessToken ?? '';
      await page.goto(`${demo.url}/token`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${demo.url}/?signed_out`);
      await page.locator('#signed-out').waitFor();
      await shot('signed-out');
      await expect(demo.hh.session(sessionId)).resolves.toMatchObject({ status: 'signedOut' });

      await page.goto(`${demo.url}/profile`);
      expect(page.url()).toBe(`${demo.url}/`);
      await expect(page.locator('#profile').count()).resolves.toBe(0);
      await shot('profile-gone');

      const me = await fetch(`${demo.emulator?.url}/me`, {
        headers: { Authorization: `Bearer ${accessToken}`, 'User-Agent': 'DemoTests/1.0 (t@e.x)' },
      });
      expect(me.status).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('the app token: asked for once, then shared, with the 5-minute cool-down shown', async () => {
    const { demo } = harness();
    const { context, page, shot } = await open(harness(), 'app-token');
    try {
      await page.goto(`${demo.url}/app-token`);
      await page.getByRole('button', { name: 'Get the app token' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('App token ready');
      await expect(page.locator('#app-token').textContent()).resolves.toMatch(/^.{1,6}…$/);
      await expect(page.locator('#app-cooldown').textContent()).resolves.toMatch(/^in [45] min/);
      await page.getByRole('button', { name: 'Get the app token' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('App token ready');
      expect((await stats(demo)).token.client_credentials).toBe(1);
      await shot('app-token');
    } finally {
      await context.close();
    }
  });
});
