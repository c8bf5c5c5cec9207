// hh-oauth end to end in a real terminal (tmux) against the emulator, with Debian's Chromium
// opening the printed URL: login, token (twice, after expiry, from 4 processes), api, status,
// logout. Needs `pnpm build` (the tests run the built bin).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium } from '@hh-oauth/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrlOn, signInInBrowser, startWorld, USER_AGENT, type World } from './world.js';

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

const refreshes = () => world.emulator.controls.stats().token.refresh_token;

/** `GET /me` with a token, straight to the emulator: is the token alive there? */
async function meWith(token: string): Promise<number> {
  const res = await fetch(`${world.emulator.url}/me`, {
    headers: { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT },
  });
  await res.body?.cancel();
  return res.status;
}

describe('hh-oauth with the emulator', () => {
  let first: string;

  it('login: prints the URL, waits with a spinner, completes on the callback, prints who signed in', async () => {
    const term = await world.terminal(['login', '--timeout', '60']);
    await term.waitFor(/Waiting for the browser to come back/);
    const url = authorizeUrlOn(await term.screen());
    expect(url).toBeDefined();
    expect(new URL(url!).searchParams.get('redirect_uri')).toBe(world.redirectUri);
    const page = await signInInBrowser(browser, url!);
    // The local page: "close this tab", and no code anywhere, not even in the address bar.
    await page.getByText('You can close this tab').waitFor();
    const html = await page.content();
    expect(html).not.toMatch(/hhc_|code=/);
    expect(page.url()).toBe(world.redirectUri);
    await term.waitFor(/Signed in to hh\.ru as Anna Applicant \(applicant@example\.com\)/);
    expect(await term.exitCode()).toBe(0);
    expect(world.emulator.controls.stats().token.authorization_code).toBe(1);
    await page.context().close();
  });

  it('keeps its files in XDG_CONFIG_HOME/hh-oauth, 0600, the store encrypted and its key apart', async () => {
    const dir = join(world.home, '.config', 'hh-oauth');
    expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700');
    for (const file of ['config.json', 'store.json', 'store.key']) {
      expect(((await stat(join(dir, file))).mode & 0o777).toString(8)).toBe('600');
    }
    const { readFile } = await import('node:fs/promises');
    const config = await readFile(join(dir, 'config.json'), 'utf8');
    const store = await readFile(join(dir, 'store.json'), 'utf8');
    expect(config).not.toContain(world.clientSecret);
    expect(store).not.toContain(world.clientSecret);
    expect(store).not.toMatch(/hha_|hhr_/);
    expect(JSON.parse(store).encryption.alg).toBe('A256GCM');
  });

  it('token: the same valid token twice, without a refresh', async () => {
    const a = await world.run(['token']);
    const b = await world.run(['token']);
    expect(a).toMatchObject({ code: 0, stderr: '' });
    first = a.stdout.trim();
    expect(first).toMatch(/^hha_/);
    expect(b.stdout.trim()).toBe(first);
    expect(refreshes()).toBe(0);
    expect(await meWith(first)).toBe(200);
  });

  it('--json shapes of token, status and login-less commands', async () => {
    const token = JSON.parse((await world.run(['token', '--json'])).stdout);
    expect(token).toEqual({ profile: 'default', token: first, expiresAt: expect.any(String) });
    const status = await world.run(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({
      profiles: [
        {
          profile: 'default',
          clientId: world.clientId,
          redirectUri: world.redirectUri,
          signedIn: true,
          user: { id: '1001', name: 'Anna Applicant', email: 'applicant@example.com' },
          session: 'authorized',
          expiresAt: token.expiresAt,
          expired: false,
          next: 'none',
          retryAt: null,
          error: null,
        },
      ],
    });
    const config = JSON.parse((await world.run(['config', 'list', '--json'])).stdout);
    expect(config.settings['client-secret']).toEqual({ value: '(hidden)', from: 'store' });
  });

  it('api /me: pretty JSON on a terminal, one raw line through a pipe', async () => {
    const term = await world.terminal(['api', '/me']);
    expect(await term.exitCode()).toBe(0);
    expect(await term.screen()).toMatch(/^ {2}"first_name": "Anna",$/m);
    const piped = await world.run(['api', '/me']);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(piped.stdout)).toMatchObject({ id: '1001', email: 'applicant@example.com' });
    const query = await world.run(['api', '/me', '-f', 'locale=RU']);
    expect(query.code).toBe(0);
  });

  it('api: an error hh.ru answers exits 6 with its errors and a hint, as JSON with --json', async () => {
    const r = await world.run(['api', '/manager_accounts/mine']);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\(forbidden\)\n {2}hh\.ru: forbidden\n/);
    expect(r.stderr).toMatch(/hint: hh\.ru refused this request/);
    const json = await world.run(['api', '/me', '--manager-account', '999', '--json']);
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stderr).error).toMatchObject({
      code: 'forbidden',
      status: 403,
      errors: [{ type: 'manager_account', value: 'not_found' }],
      hint: expect.any(String),
    });
    expect(json.stderr).not.toContain(first);
  });

  it('after the clock moves 15 days: exactly one refresh, then the new token again', async () => {
    world.advanceDays(15);
    const before = refreshes();
    const a = await world.run(['token']);
    expect(a.code).toBe(0);
    const second = a.stdout.trim();
    expect(second).not.toBe(first);
    expect(refreshes()).toBe(before + 1);
    expect((await world.run(['token'])).stdout.trim()).toBe(second);
    expect(refreshes()).toBe(before + 1);
    const status = JSON.parse((await world.run(['status', '--json'])).stdout);
    expect(status.profiles[0]).toMatchObject({ signedIn: true, expired: false, next: 'none' });
    first = second;
  });

  it('4 processes at once on an expired token: one refresh, one token for all', async () => {
    world.advanceDays(15);
    const before = refreshes();
    const runs = await Promise.all([1, 2, 3, 4].map(() => world.run(['token'])));
    for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: '' });
    const tokens = new Set(runs.map((r) => r.stdout.trim()));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).not.toBe(first);
    expect(refreshes()).toBe(before + 1);
    first = [...tokens][0]!;
  });

  it('status in a terminal: who, expiry and refresh state, in colour; never with NO_COLOR', async () => {
    const term = await world.terminal(['status']);
    expect(await term.exitCode()).toBe(0);
    const text = await term.screen();
    expect(text).toMatch(/✓ Signed in as Anna Applicant \(applicant@example\.com\), id 1001/);
    expect(text).toMatch(/Access token valid until \S+ \(in 14 days\)/);
    expect(text).toMatch(/Refresh: not before it expires/);
    expect(await term.screen({ escapes: true })).toMatch(/\u001b\[[0-9;]*32m/);
    const plain = await world.terminal(['status'], { env: { NO_COLOR: '1' } });
    expect(await plain.exitCode()).toBe(0);
    expect(await plain.screen({ escapes: true })).not.toMatch(/\u001b\[[0-9;]*m/);
    const piped = await world.run(['status']);
    expect(piped.stdout).not.toContain('\u001b[');
  });

  it('logout revokes the token at hh.ru and forgets the session', async () => {
    const out = await world.run(['logout', '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ profile: 'default', loggedOut: true, revoked: true });
    expect(await meWith(first)).toBe(403);
    const token = await world.run(['token']);
    expect(token.code).toBe(4);
    expect(token.stderr).toMatch(/nobody is signed in on profile "default"/);
    expect(token.stderr).toMatch(/hint: Run `hh-oauth login`/);
    const status = await world.run(['status']);
    expect(status.code).toBe(4);
    expect(status.stdout).toMatch(/Not signed in/);
  });
});
