// `login` in a real terminal beyond the happy path: --manual with the address pasted from the
// browser (and the client secret typed at a prompt that echoes nothing), a wrong secret, a bad
// paste, a denied consent, a timeout, a taken port. Needs `pnpm build`.
import { chmod, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APPLICANT,
  authorizeUrlOn,
  fileWhenWritten,
  signInInBrowser,
  startWorld,
  type World,
} from './world.js';

let world: World;
let browser: Browser;

beforeAll(async () => {
  [world, browser] = await Promise.all([startWorld(), launchChromium()]);
  await world.configure();
});

afterEach(async () => {
  await world?.closeTerminals();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** A profile on the emulator's seeded app, whose redirect URI is the emulator's own page. */
async function configureManual(profile: string): Promise<void> {
  const steps: [string, string][] = [
    ['client-id', DEFAULT_CLIENT_ID],
    ['redirect-uri', `${world.emulator.url}/callback`],
    ['user-agent', 'HhOAuthCliTest/1.0 (cli-test@example.com)'],
  ];
  for (const [key, value] of steps) {
    expect((await world.run(['config', 'set', key, value, '--profile', profile])).code).toBe(0);
  }
}

describe('login --manual', () => {
  it('asks for the secret without echoing it, then signs in with the pasted address', async () => {
    await configureManual('manual');
    const term = await world.terminal(['login', '--manual', '--profile', 'manual']);
    await term.waitFor(/Client secret/);
    await term.type(DEFAULT_CLIENT_SECRET, { enter: true });
    await term.waitFor(/Paste the address your browser landed on/);
    expect(await term.screen()).not.toContain(DEFAULT_CLIENT_SECRET);
    const url = authorizeUrlOn(await term.screen());
    const page = await signInInBrowser(browser, url!);
    // The emulator's own callback page: the code is in its address, for the user to copy.
    expect(page.url()).toMatch(/\/callback\?code=hhc_/);
    await term.type(page.url(), { enter: true });
    await term.waitFor(/Signed in to hh\.ru as Anna Applicant/);
    expect(await term.exitCode()).toBe(0);
    expect(await term.screen()).not.toContain(DEFAULT_CLIENT_SECRET);
    await page.context().close();
    const token = await world.run(['token', '--profile', 'manual']);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^hha_/);
    // The typed secret was kept encrypted in the store: the next command needs no prompt.
    const list = JSON.parse(
      (await world.run(['config', 'list', '--json', '--profile', 'manual'])).stdout,
    );
    expect(list.settings['client-secret']).toEqual({ value: '(hidden)', from: 'store' });
  });

  it('a wrong secret: the code exchange fails with the hint to fix it, and shows no secret', async () => {
    const term = await world.terminal(['login', '--manual'], {
      env: { HH_CLIENT_SECRET: 'WRONG-SECRET-VALUE' },
    });
    await term.waitFor(/Paste the address/);
    const url = new URL(authorizeUrlOn(await term.screen())!);
    const code = world.emulator.controls.issueCode({
      clientId: world.clientId,
      login: APPLICANT.login,
      redirectUri: world.redirectUri,
    });
    const callback = `${world.redirectUri}?code=${code}&state=${url.searchParams.get('state')}`;
    await term.type(callback, { enter: true });
    expect(await term.exitCode()).toBe(3);
    const screen = await term.screen();
    expect(screen).toMatch(/error: .*\((invalid_client|account_not_found)\)/);
    expect(screen).toMatch(/hint: The client id or secret is wrong/);
    const after = screen.slice(screen.indexOf('error:'));
    expect(after).not.toContain('WRONG-SECRET-VALUE');
    expect(after).not.toContain(code);
  });

  it('a pasted text that is no callback address is refused with what to copy', async () => {
    const term = await world.terminal(['login', '--manual']);
    await term.waitFor(/Paste the address/);
    await term.type('/callback?code=abc', { enter: true });
    expect(await term.exitCode()).toBe(4);
    const screen = await term.screen();
    expect(screen).toMatch(/error: the pasted text is not the address of an hh\.ru callback/);
    expect(screen).toMatch(/hint: Copy the whole address from the browser's address bar/);
  });
});

describe('login, more ways', () => {
  it('opens $BROWSER with the URL, and prints JSON with --json', async () => {
    // A "browser" that hands the URL it was given to the test, which opens it in Chromium.
    const opened = join(world.home, 'opened-url');
    const fake = join(world.home, 'browser.sh');
    await writeFile(
      fake,
      `#!/bin/sh\nprintf %s "$1" > ${opened}.tmp && mv ${opened}.tmp ${opened}\n`,
    );
    await chmod(fake, 0o755);
    const app = world.emulator.controls.registerApp({ redirectUri: world.redirectUri });
    const term = await world.terminal(['login', '--json', '--force-login'], {
      env: { BROWSER: fake, HH_CLIENT_ID: app.clientId, HH_CLIENT_SECRET: app.clientSecret },
    });
    await term.waitFor(/Opened your browser\./);
    const url = await fileWhenWritten(opened); // the "browser" runs detached
    expect(url).toBe(authorizeUrlOn(await term.screen()));
    expect(new URL(url).searchParams.get('force_login')).toBe('true');
    const page = await signInInBrowser(browser, url);
    await page.getByText('You can close this tab').waitFor();
    expect(await term.exitCode()).toBe(0);
    const line = (await term.screen()).split('\n').find((l) => l.startsWith('{"profile"'));
    expect(JSON.parse(line!)).toEqual({
      profile: 'default',
      user: { id: '1001', name: 'Anna Applicant', email: 'applicant@example.com' },
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    await page.context().close();
  });

  it('Ctrl-C while waiting stops it: exit 130, and the port is free again', async () => {
    const term = await world.terminal(['login']);
    await term.waitFor(/Waiting for the browser to come back/);
    await term.key('C-c');
    expect(await term.exitCode()).toBe(130);
    expect(await term.screen()).toMatch(/error: cancelled/);
    const again = await world.terminal(['login', '--timeout', '1']);
    expect(await again.exitCode()).toBe(5);
  });
});

describe('login errors', () => {
  it('denied in the browser: the page and the terminal say so; exit 4', async () => {
    // An app the user never allowed (the earlier issueCode recorded a consent for the first one),
    // named through the environment instead of the config.
    const app = world.emulator.controls.registerApp({ redirectUri: world.redirectUri });
    const term = await world.terminal(['login'], {
      env: { HH_CLIENT_ID: app.clientId, HH_CLIENT_SECRET: app.clientSecret },
    });
    await term.waitFor(/Waiting for the browser/);
    const page = await signInInBrowser(browser, authorizeUrlOn(await term.screen())!, {
      allow: false,
    });
    await page.getByText('Sign-in did not complete').waitFor();
    expect(await term.exitCode()).toBe(4);
    const screen = await term.screen();
    expect(screen).toMatch(/error: .*\(access_denied\)/);
    expect(screen).toMatch(/hint: The sign-in was denied in the browser/);
    await page.context().close();
  });

  it('nobody comes back: the spinner gives up at --timeout; exit 5', async () => {
    const term = await world.terminal(['login', '--timeout', '1']);
    // Not waited for while it spins (1 s is short on a busy machine): the spinner's last frame
    // stays on the screen as its end line.
    expect(await term.exitCode()).toBe(5);
    const screen = await term.screen();
    expect(screen).toMatch(/✗ Stopped waiting for the browser\./);
    expect(screen).toMatch(/error: nobody came back from the browser within 1 s \(timeout\)/);
    expect(screen).toMatch(/hint: Run `hh-oauth login` again/);
  });

  it("the redirect URI's port is taken: named, with what to do; exit 3", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(world.port, '127.0.0.1', resolve);
    });
    try {
      const r = await world.run(['login']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        `error: port ${world.port} on 127.0.0.1 (from the redirect URI) is taken`,
      );
      expect(r.stderr).toMatch(/hint: Stop the program using port \d+, or register another/);
      expect(r.stdout).toBe('');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('a redirect URI it cannot listen on points to --manual', async () => {
    const r = await world.run(['login'], { env: { HH_REDIRECT_URI: 'https://example.com/cb' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot listen on the redirect URI https:\/\/example\.com\/cb/);
    expect(r.stderr).toMatch(/hint: Run `hh-oauth login --manual`/);
  });
});
