import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../src/index.js';

const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const USER_AGENT = 'hh-oauth-browser-tests/1.0 (tests@example.com)';

let emulator: Emulator;
let browser: Browser;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  if (!existsSync(BUILT))
    throw new Error('the browser test loads the built transport: run `pnpm build` first');
  // The built transport and ky, bundled for the page as they would be by an application's bundler.
  const bundle = await build({
    entryPoints: [BUILT],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  });
  const code = bundle.outputFiles[0]!.text;
  site = createServer((request, response) => {
    if (request.url === '/transport.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
    } else {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>hh-oauth</title>');
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
  emulator = await startEmulator({ port: 0 });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await new Promise((resolve) => site?.close(resolve));
});

describe('the transport in Chromium', () => {
  it('calls the API cross-origin with HH-User-Agent, and reads typed errors', async () => {
    const server = createHttpTransport({
      oauthBaseUrl: emulator.url,
      apiBaseUrl: emulator.url,
      userAgent: USER_AGENT,
      clientId: emulator.app.clientId,
      clientSecret: emulator.app.clientSecret,
    });
    const { accessToken } = await server.exchangeCode({
      code: emulator.controls.issueCode({
        clientId: emulator.app.clientId,
        login: 'employer@example.com',
      }),
    });
    const page = await browser.newPage();
    await page.goto(siteUrl);
    // A string, so that the test runner's transform leaves the page's dynamic import alone.
    const script = `(async ({ url, userAgent, accessToken }) => {
      const { createHttpTransport, defaultUserAgentHeader } = await import('/transport.js');
      const transport = createHttpTransport({ oauthBaseUrl: url, apiBaseUrl: url, userAgent });
      const me = await transport.api(accessToken, '/me');
      const accounts = await transport.api(accessToken, '/manager_accounts/mine');
      const asAccount = await transport.api(accessToken, '/me', { managerAccountId: accounts.items[1].id });
      let error;
      try {
        await transport.api('not-a-token', '/me');
      } catch (e) {
        error = { code: e.code, recovery: e.recovery, name: e.name };
      }
      await transport.invalidateToken({ accessToken });
      let after;
      try {
        await transport.api(accessToken, '/me');
      } catch (e) {
        after = e.code;
      }
      return { header: defaultUserAgentHeader(), email: me.email, employer: Boolean(asAccount.is_employer), error, after };
    })(${JSON.stringify({ url: emulator.url, userAgent: USER_AGENT, accessToken })})`;
    const result = await page.evaluate(script);
    expect(result).toEqual({
      header: 'HH-User-Agent',
      email: 'employer@example.com',
      employer: true,
      error: { code: 'bad_authorization', recovery: 'reauthorize', name: 'ApiError' },
      after: 'bad_authorization',
    });
    await page.close();
  });
});
