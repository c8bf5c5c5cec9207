// One emulator and one Chromium per file; the authorize step runs in the browser for real.
import { APPLICANT, type Emulator, type SeededUser, startEmulator } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** What hh.ru asks of every API client: a User-Agent naming the application and a contact. */
export const USER_AGENT = 'HhOAuthInterop/1.0 (interop@example.com)';
/** The emulator's access-token lifetime (hh.ru's 14 days). */
export const TOKEN_TTL_SECONDS = 1_209_600;

export interface Interop {
  emulator(): Emulator;
  /**
   * Opens `authorizeUrl` in a fresh browser context, signs `user` in, presses Allow and returns
   * the URL the browser landed on (the emulator's `/callback`, with `code` and `state`).
   */
  authorize(authorizeUrl: string, user?: SeededUser): Promise<URL>;
}

export function useInterop(): Interop {
  let emulator: Emulator | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [emulator, browser] = await Promise.all([startEmulator(), launchChromium()]);
  });
  beforeEach(() => emulator?.controls.reset());
  afterAll(async () => {
    await Promise.all([emulator?.close(), browser?.close()]);
  });
  const current = () => {
    if (!emulator || !browser) throw new Error('the emulator or Chromium is not started');
    return { emulator, browser };
  };
  return {
    emulator: () => current().emulator,
    async authorize(authorizeUrl, user = APPLICANT) {
      const context = await current().browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(authorizeUrl);
        await page.getByLabel('Login').fill(user.login);
        await page.getByLabel('Password').fill(user.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL((url) => url.pathname === '/callback');
        return new URL(page.url());
      } finally {
        await context.close();
      }
    },
  };
}

/** The API's first error, `type/value`, or the status when the answer is not an API error. */
export async function apiOutcome(response: Response): Promise<string> {
  if (response.status === 204) return '204';
  const body = (await response.json()) as { errors?: { type: string; value?: string }[] };
  const first = body.errors?.[0];
  return first ? `${response.status} ${first.type}/${first.value ?? ''}` : String(response.status);
}

/** The grant types the token endpoint saw, in order (from the request log). */
export const grantsSeen = (emulator: Emulator) =>
  emulator.controls
    .requests()
    .filter((r) => r.grantType !== null)
    .map((r) => `${r.grantType} ${r.status}${r.errorDescription ? ` ${r.errorDescription}` : ''}`);
