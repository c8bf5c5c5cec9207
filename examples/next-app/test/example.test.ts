// The Next.js example, as CI runs it: `next build` (timed, printed), then `next start` against an
// emulator in this process, driven in Chromium. The app's clock is real and the emulator's runs
// 15 days ahead, so /me answers token_expired and the client refreshes once.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { driveExample } from '../../../packages/web/test/example-flow.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NEXT = createRequire(import.meta.url).resolve('next/dist/bin/next');

let emulator: Emulator;
let browser: Browser;
let server: ChildProcess | undefined;
let url = '';

function next(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [NEXT, ...args], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the child's output matches `pattern` (or it exits with 0); rejects on failure. */
function printed(child: ChildProcess, pattern: RegExp | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern?.test(out)) resolve();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next exited with ${code}:\n${out}`)),
    );
  });
}

beforeAll(async () => {
  const started = performance.now();
  const build = next(['build']);
  await printed(build, undefined);
  console.log(`next build: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  emulator = await startEmulator({ app: { redirectUri: `${url}/auth/callback` } });
  server = next(['start', '-H', '127.0.0.1', '-p', String(port)], {
    APP_ORIGIN: url,
    HH_CLIENT_ID: emulator.app.clientId,
    HH_CLIENT_SECRET: emulator.app.clientSecret,
    HH_REDIRECT_URI: `${url}/auth/callback`,
    HH_USER_AGENT: 'hh-oauth-next-example-tests/1.0 (tests@example.com)',
    HH_COOKIE_SECRET: 'next-example-tests-0123456789abcdef0123',
    HH_OAUTH_BASE_URL: emulator.url,
    HH_API_BASE_URL: emulator.url,
  });
  await printed(server, /ready/i);
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await emulator?.close();
});

it('sign in → profile → 15 days → profile after one refresh → sign out', async () => {
  await driveExample(browser, { url, emulatorUrl: emulator.url });
});
