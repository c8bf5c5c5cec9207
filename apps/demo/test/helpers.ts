import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorStats } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Demo, startDemo } from '../src/server.js';

/** Screenshots land here (gitignored): one per step, named `<scenario>-<nn>-<step>.png`. */
export const SCREENSHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));

export interface Harness {
  readonly demo: Demo;
  readonly browser: Browser;
}

/**
 * One demo (with its in-process emulator, on free ports, with a file store in a temp folder) and
 * one Chromium per test file; the emulator is back to its seeded state before each test.
 */
export function useDemo(): () => Harness {
  let harness: Harness | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'hh-oauth-demo-'));
    const demo = await startDemo({ storePath: join(dir, 'tokens.json') });
    const browser = await launchChromium();
    harness = { demo, browser };
  });
  beforeEach(() => {
    harness?.demo.emulator?.controls.reset();
  });
  afterAll(async () => {
    await harness?.browser.close();
    await harness?.demo.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!harness) throw new Error('the demo is not started');
    return harness;
  };
}

/** A fresh browser profile (no cookies, at the demo or the emulator) and a page with screenshots. */
export async function open(
  harness: Harness,
  scenario: string,
): Promise<{ context: BrowserContext; page: Page; shot: (step: string) => Promise<void> }> {
  const context = await harness.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  let n = 0;
  const shot = async (step: string) => {
    n += 1;
    const name = `${scenario}-${String(n).padStart(2, '0')}-${step}.png`;
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  };
  return { context, page, shot };
}

/** Fills the emulator's hh.ru login form. */
export async function signInAtHh(page: Page, login: string, password: string) {
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Starts "Sign in with hh.ru" from the demo's home page, with its two options. */
export async function startSignIn(
  page: Page,
  demo: Demo,
  options: { forceLogin?: boolean; skipChooseAccount?: boolean } = {},
) {
  await page.goto(demo.url);
  if (options.forceLogin) await page.getByLabel(/Force login/).check();
  if (options.skipChooseAccount) await page.getByLabel(/Skip the account chooser/).check();
  await page.getByRole('button', { name: 'Sign in with hh.ru' }).click();
}

/** Signs in and allows the demo, ending on the profile page. */
export async function signInFully(page: Page, demo: Demo, login: string, password: string) {
  await startSignIn(page, demo);
  await signInAtHh(page, login, password);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${demo.url}/profile`);
}

export async function stats(demo: Demo): Promise<EmulatorStats> {
  const answer = await fetch(`${demo.emulator?.url}/__emulator/stats`);
  return (await answer.json()) as EmulatorStats;
}

/** The session id in the demo's cookie (`<id>.<signature>`). */
export async function sessionIdOf(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'hh_demo_session');
  if (!cookie) throw new Error('no session cookie');
  return cookie.value.slice(0, cookie.value.lastIndexOf('.'));
}
