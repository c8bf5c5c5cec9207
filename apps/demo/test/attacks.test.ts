// The security review's attacks on the demo, in Chromium: cross-site POSTs to sign-out, the app
// token and the clock; a POST without this browser's CSRF token; framing; and cookies over https.
// Each failed against the demo before it checked Origin and a CSRF token and sent frame-ancestors.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLICANT } from '@hh-oauth/emulator';
import { createFileStore } from '@hh-oauth/storage/file';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../src/server.js';
import { open, sessionIdOf, signInFully, stats, useDemo } from './helpers.js';

const harness = useDemo();

/** A page on another origin (another port: same site, so SameSite=Lax cookies still go along). */
let evil: Server;
let evilUrl: string;
let evilHtml = '';
beforeAll(async () => {
  evil = createServer((_, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(evilHtml);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => evil?.close(resolve)));

/** Opens the evil page holding an auto-less form to `action`, submits it, returns the status. */
async function crossSitePost(page: Page, action: string): Promise<number> {
  evilHtml = `<form method="post" action="${action}"><input name="x" value="1"><button>Win a prize</button></form>`;
  await page.goto(evilUrl);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === action),
    page.getByRole('button', { name: 'Win a prize' }).click(),
  ]);
  return answer.status();
}

describe('the demo refuses cross-site requests and framing', () => {
  it('a cross-site POST to sign out, the app token or the clock is refused; nothing changes', async () => {
    const { demo } = harness();
    const { context, page } = await open(harness(), 'attack-cross-site');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      const sessionId = await sessionIdOf(context);
      const clock = demo.emulator?.controls.now() ?? 0;
      expect(await crossSitePost(page, `${demo.url}/signout`)).toBe(403);
      expect(await crossSitePost(page, `${demo.url}/app-token`)).toBe(403);
      expect(await crossSitePost(page, `${demo.url}/token/advance-clock`)).toBe(403);
      expect(await crossSitePost(page, `${demo.url}/token/refresh`)).toBe(403);
      await expect(demo.hh.session(sessionId)).resolves.toMatchObject({ status: 'authorized' });
      // The emulator's clock runs on; it was not moved 15 days.
      expect((demo.emulator?.controls.now() ?? 0) - clock).toBeLessThan(24 * 60 * 60 * 1000);
      expect((await stats(demo)).token.client_credentials).toBe(0);
      await page.goto(`${demo.url}/profile`);
      await expect(page.locator('#profile-email').textContent()).resolves.toBe(APPLICANT.login);
    } finally {
      await context.close();
    }
  });

  it("a same-origin POST without this browser's CSRF token is refused", async () => {
    const { demo } = harness();
    const { context, page } = await open(harness(), 'attack-csrf-token');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      const sessionId = await sessionIdOf(context);
      const cookie = (await context.cookies(demo.url))
        .map((c) => `${c.name}=${c.value}`)
        .join('; ');
      const post = (body: string) =>
        fetch(`${demo.url}/signout`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            origin: demo.url,
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body,
        });
      for (const body of ['', 'csrf=', 'csrf=forged.token', `csrf=${sessionId}`]) {
        expect((await post(body)).status).toBe(403);
      }
      await expect(demo.hh.session(sessionId)).resolves.toMatchObject({ status: 'authorized' });
      // The token panel's own form carries it: signing out works.
      await page.goto(`${demo.url}/token`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${demo.url}/?signed_out`);
      await expect(demo.hh.session(sessionId)).resolves.toMatchObject({ status: 'signedOut' });
    } finally {
      await context.close();
    }
  });

  it('no page of the demo can be framed (frame-ancestors, X-Frame-Options)', async () => {
    const { demo } = harness();
    const { context, page } = await open(harness(), 'attack-framing');
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      evilHtml = `<iframe src="${demo.url}/token" width="800" height="600"></iframe>`;
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${demo.url}/token`),
        page.goto(evilUrl),
      ]);
      expect(answer.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers()['x-frame-options']).toBe('DENY');
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame).toBeDefined();
      await expect(frame?.locator('#sign-out').count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the policy does not break the demo', () => {
  it('no page violates the Content-Security-Policy', async () => {
    const { demo } = harness();
    const { context, page } = await open(harness(), 'csp');
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    try {
      await signInFully(page, demo, APPLICANT.login, APPLICANT.password);
      for (const path of ['/', '/profile', '/token', '/app-token']) {
        await page.goto(`${demo.url}${path}`);
        await page.waitForLoadState('load');
      }
      await page.locator('[data-live][data-connected]').waitFor();
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the demo over https, and its store at rest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hh-oauth-demo-attacks-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('served over https, every cookie is __Host- and Secure', async () => {
    const demo = await startDemo({ storePath: join(dir, 'https.json'), secureCookies: true });
    try {
      const home = await fetch(`${demo.url}/`);
      const [csrfCookie] = home.headers.getSetCookie();
      expect(csrfCookie).toMatch(
        /^__Host-hh_demo_csrf=[^;]+; .*Path=\/; HttpOnly; SameSite=Lax; Secure$/,
      );
      const id = csrfCookie?.split(';')[0]?.split('=')[1] ?? '';
      const token = /name="csrf" value="([^"]+)"/.exec(await home.text())?.[1] ?? '';
      const signIn = await fetch(`${demo.url}/signin`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          origin: demo.url,
          cookie: `__Host-hh_demo_csrf=${id}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ csrf: token }).toString(),
      });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.getSetCookie()).toEqual([
        expect.stringMatching(
          /^__Host-hh_demo_pending=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
        ),
      ]);
    } finally {
      await demo.close();
    }
  });

  it('the file store is sealed with a key made beside it (0600), kept across restarts', async () => {
    const { context, page } = await open(harness(), 'store-at-rest');
    const path = join(dir, 'sealed.json');
    try {
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const first = await startDemo({ storePath: path, port });
      try {
        await signInFully(page, first, APPLICANT.login, APPLICANT.password);
        const record = await first.hh.session(await sessionIdOf(context));
        const text = await readFile(path, 'utf8');
        expect(record?.tokens?.accessToken).toBeTruthy();
        expect(text).not.toContain(record?.tokens?.accessToken);
        expect(text).not.toContain(await sessionIdOf(context));
        expect((await stat(`${path}.key`)).mode & 0o777).toBe(0o600);
        expect(first.keySource).toBe(`${path}.key`);
      } finally {
        await first.close();
      }
      const key = await readFile(`${path}.key`, 'utf8');
      const second = await startDemo({ storePath: path, port });
      try {
        await expect(readFile(`${path}.key`, 'utf8')).resolves.toBe(key);
        await expect(second.hh.session(await sessionIdOf(context))).resolves.toMatchObject({
          status: 'authorized',
        });
      } finally {
        await second.close();
      }
      // A store from before the demo sealed its files: moved aside, and the demo still starts.
      const old = join(dir, 'old.json');
      const plain = createFileStore({ path: old });
      await plain.set('hh-oauth:session:x', '{}', { expectedVersion: 0 });
      await plain.close();
      const upgraded = await startDemo({ storePath: old });
      try {
        expect(upgraded.storeDescription).toContain(`moved to ${old}.unsealed`);
        await expect(stat(`${old}.unsealed`)).resolves.toBeTruthy();
      } finally {
        await upgraded.close();
      }
      const given = await startDemo({
        storePath: join(dir, 'given.json'),
        storeKey: 'ab'.repeat(32),
      });
      try {
        expect(given.keySource).toBe('given');
        await expect(stat(join(dir, 'given.json.key'))).rejects.toMatchObject({ code: 'ENOENT' });
      } finally {
        await given.close();
      }
    } finally {
      await context.close();
    }
  });
});
