// Four processes of the Express example behind one Redis store: a session signed in on one is
// signed in on all (the cookie is the browser's for 127.0.0.1, whatever the port), and when the
// token expires and all four load the profile at once, hh.ru sees exactly one refresh.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APPLICANT, type Emulator, startEmulator } from '@hh-oauth/emulator';
import { type RedisTestServer, startRedisServer } from '@hh-oauth/test-servers';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CLIENT_ID = 'four-processes';
const CLIENT_SECRET = 'four-processes-secret';

let redis: RedisTestServer;
let emulator: Emulator;
let browser: Browser;
const children: ChildProcess[] = [];

/** Starts one process on a free port and resolves with the URL it prints. */
function startProcess(): Promise<string> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      EMULATOR_URL: emulator.url,
      REDIS_URL: redis.url,
      HH_COOKIE_SECRET: 'shared-by-the-four-0123456789abcdef',
      HH_CLIENT_ID: CLIENT_ID,
      HH_CLIENT_SECRET: CLIENT_SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`the example exited with ${code}`)));
  });
}

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run pnpm build first`);
  redis = await startRedisServer();
  emulator = await startEmulator();
  browser = await launchChromium();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
  );
  await browser?.close();
  await emulator?.close();
  await redis?.stop();
});

it('4 processes share the sessions through Redis; an expired token is refreshed once', async () => {
  const urls = await Promise.all([startProcess(), startProcess(), startProcess(), startProcess()]);
  const [first = ''] = urls;
  emulator.controls.registerApp({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: `${first}/auth/callback`,
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(first);
    await page.getByRole('link', { name: 'Sign in with hh.ru' }).click();
    await page.getByLabel('Login').fill(APPLICANT.login);
    await page.getByLabel('Password').fill(APPLICANT.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${first}/profile`);

    const pages = await Promise.all(urls.map(() => context.newPage()));
    const loadAll = () =>
      Promise.all(
        pages.map(async (p, i) => {
          await p.goto(`${urls[i]}/profile`);
          return p.locator('#email').textContent();
        }),
      );
    await expect(loadAll()).resolves.toEqual(urls.map(() => APPLICANT.login));
    expect(emulator.controls.stats().token.refresh_token).toBe(0);

    // The processes' clocks are real; hh.ru's runs 15 days ahead: /me says token_expired.
    emulator.controls.advanceClock(15 * 24 * 60 * 60);
    await expect(loadAll()).resolves.toEqual(urls.map(() => APPLICANT.login));
    expect(emulator.controls.stats().token.refresh_token).toBe(1);
    await expect(loadAll()).resolves.toEqual(urls.map(() => APPLICANT.login));
    expect(emulator.controls.stats().token.refresh_token).toBe(1);
  } finally {
    await context.close();
  }
});
