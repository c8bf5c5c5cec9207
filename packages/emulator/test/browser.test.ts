import { launchChromium } from '@hh-oauth/test-support';
// The authorize pages in a real browser (Debian's Chromium through playwright-core).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, EMPLOYER } from '../src/index.js';
import { token, useEmulator } from './helpers.js';

const emulator = useEmulator();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

const authorizeUrl = (params: Record<string, string>) =>
  `${emulator().url}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: emulator().app.clientId,
    ...params,
  })}`;

/** The query of the page the browser landed on (the emulator's `/callback` page). */
function landed(page: Page): Record<string, string> {
  const url = new URL(page.url());
  expect(`${url.origin}${url.pathname}`).toBe(emulator().app.redirectUri);
  return Object.fromEntries(url.searchParams);
}

async function signIn(page: Page, login: string, password: string) {
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('authorize in a browser', () => {
  it('sign in, Allow, then the account chooser: Continue and Switch account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl({ state: 'browser-state-1' }));
      await signIn(page, APPLICANT.login, APPLICANT.password);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.pathname === '/callback');
      const first = landed(page);
      expect(first['state']).toBe('browser-state-1');
      expect(first['code']).toMatch(/^hhc_/);
      await expect(page.locator('#callback-code').textContent()).resolves.toBe(first['code']);

      const exchanged = await token(emulator(), {
        grant_type: 'authorization_code',
        client_id: emulator().app.clientId,
        client_secret: emulator().app.clientSecret,
        code: first['code']!,
      });
      expect(exchanged.status).toBe(200);

      // Signed in and already allowed: the chooser.
      await page.goto(authorizeUrl({ state: 'browser-state-2' }));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((url) => url.searchParams.get('state') === 'browser-state-2');
      const second = landed(page);
      expect(second['code']).toMatch(/^hhc_/);
      expect(second['code']).not.toBe(first['code']);

      // Switch account: sign in as the employer, who has not allowed the app yet.
      await page.goto(authorizeUrl({ state: 'browser-state-3' }));
      await page.getByRole('button', { name: 'Switch account' }).click();
      await signIn(page, EMPLOYER.login, EMPLOYER.password);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.searchParams.get('state') === 'browser-state-3');
      const third = landed(page);
      const pair = await token(emulator(), {
        grant_type: 'authorization_code',
        client_id: emulator().app.clientId,
        client_secret: emulator().app.clientSecret,
        code: third['code']!,
      });
      const me = await fetch(`${emulator().url}/me`, {
        headers: {
          Authorization: `Bearer ${pair.body['access_token'] as string}`,
          'User-Agent': 'HhOAuthTests/1.0 (tests@example.com)',
        },
      });
      expect(((await me.json()) as Record<string, unknown>)['email']).toBe(EMPLOYER.login);
    } finally {
      await context.close();
    }
  });

  it('Deny: error=access_denied with the state', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl({ state: 'deny-me' }));
      await signIn(page, EMPLOYER.login, EMPLOYER.password);
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.waitForURL((url) => url.pathname === '/callback');
      expect(landed(page)).toEqual({ error: 'access_denied', state: 'deny-me' });
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows the form again; an invalid redirect_uri shows an error page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(authorizeUrl({}));
      await signIn(page, APPLICANT.login, 'wrong');
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong login or password.');
      const response = await page.goto(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }));
      expect(response?.status()).toBe(400);
      await expect(page.getByRole('heading').textContent()).resolves.toBe('Invalid redirect_uri');
    } finally {
      await context.close();
    }
  });
});
