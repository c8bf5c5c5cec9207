// The demo keeps sessions in its store: a restart (same port, same hh.ru) finds the visitor
// signed in — with the file store (the default) and with Redis (REDIS_URL).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICANT, type Emulator, startEmulator } from '@hh-oauth/emulator';
import { type RedisTestServer, startRedisServer } from '@hh-oauth/test-servers';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoOptions, startDemo } from '../src/server.js';
import { SCREENSHOTS, signInFully } from './helpers.js';

let browser: Browser;
let redis: RedisTestServer;
let dir: string;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'hh-oauth-demo-stores-'));
  redis = await startRedisServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A port that was free a moment ago: the demo is restarted on it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const stores: [string, () => Pick<DemoOptions, 'storePath' | 'redisUrl'>][] = [
  ['file', () => ({ storePath: join(dir, 'tokens.json') })],
  ['redis', () => ({ redisUrl: redis.url })],
];

describe.each(stores)('a restart keeps the session (%s store)', (kind, store) => {
  it('signed in before, signed in after', async () => {
    const port = await freePort();
    const emulator: Emulator = await startEmulator({
      app: { redirectUri: `http://127.0.0.1:${port}/callback` },
    });
    const context = await browser.newContext();
    try {
      const options = { port, emulator: { instance: emulator }, ...store() };
      const first = await startDemo(options);
      const page = await context.newPage();
      try {
        await signInFully(page, first, APPLICANT.login, APPLICANT.password);
      } finally {
        await first.close();
      }
      const second = await startDemo(options);
      try {
        expect(second.storeDescription).toContain(kind === 'file' ? 'file' : 'Redis');
        await page.goto(`${second.url}/profile`);
        await expect(page.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
        await page.screenshot({ path: join(SCREENSHOTS, `restart-${kind}-profile.png`) });
        expect(emulator.controls.stats().token.authorization_code).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await context.close();
      await emulator.close();
    }
  });
});
