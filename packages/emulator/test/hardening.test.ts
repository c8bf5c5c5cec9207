// The attacks a security review ran against the emulator, each as a test: a cross-site form post
// to the controls, DNS rebinding, huge bodies, an absurd clock step, and a framed consent page.

import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@hh-oauth/test-support';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, EmulatorInputError, startEmulator } from '../src/index.js';
import { MAX_CONTROL_BODY_BYTES, MAX_FORM_BODY_BYTES } from '../src/security.js';
import { control, FormClient, hiddenFields, useEmulator } from './helpers.js';

const emulator = useEmulator();

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request through node:http, which (unlike fetch) lets a test set `Host` and send only part of a
 * declared body. Settles when the answer ends or the connection closes.
 */
function raw(
  url: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string | number>;
    body?: Buffer | string;
    end?: boolean;
  },
): Promise<RawAnswer> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    if (options.end !== false) req.end();
  });
}

describe('cross-site posts to the controls', () => {
  // What an HTML form on another site can send without a CORS preflight.
  it.each([
    ['text/plain', '{"advanceSeconds":86400}'],
    ['application/x-www-form-urlencoded', 'advanceSeconds=86400'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    ],
    [undefined, '{"advanceSeconds":86400}'],
  ])('a %s body is refused with 415 and changes nothing', async (type, body) => {
    const before = emulator().controls.now();
    const response = await fetch(`${emulator().url}/__emulator/clock`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example', ...(type ? { 'Content-Type': type } : {}) },
      body,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: 'the controls take Content-Type: application/json only',
    });
    expect(emulator().controls.now() - before).toBeLessThan(86_400_000);
  });

  it('a text/plain post cannot mint a code or reset the state', async () => {
    const forged = JSON.stringify({ clientId: emulator().app.clientId, login: APPLICANT.login });
    const minted = await fetch(`${emulator().url}/__emulator/codes`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: forged,
    });
    expect(minted.status).toBe(415);
    expect(await minted.text()).not.toContain('hhc_');
    emulator().controls.addFault({ kind: 'status', path: '/me' });
    const reset = await fetch(`${emulator().url}/__emulator/reset`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(reset.status).toBe(415);
    expect(emulator().controls.faults()).toHaveLength(1);
  });
});

describe('DNS rebinding: the Host header', () => {
  it('a foreign Host is refused with 421 on the controls and the pages', async () => {
    const port = new URL(emulator().url).port;
    const codes = await raw(emulator().url, {
      method: 'POST',
      path: '/__emulator/codes',
      headers: { Host: `rebind.evil.example:${port}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: emulator().app.clientId, login: APPLICANT.login }),
    });
    expect(codes.status).toBe(421);
    expect(codes.body).not.toContain('hhc_');
    const authorize = await raw(emulator().url, {
      path: `/oauth/authorize?response_type=code&client_id=${emulator().app.clientId}`,
      headers: { Host: `rebind.evil.example:${port}` },
    });
    expect(authorize.status).toBe(421);
    // An absolute-form request target names the host in the request line instead.
    const absolute = await raw(emulator().url, {
      path: `http://rebind.evil.example:${port}/__emulator/clock`,
      headers: { Host: `127.0.0.1:${port}` },
    });
    expect(absolute.status).toBe(421);
  });

  it('a request without Host (HTTP/1.0) is refused too', async () => {
    const { port } = new URL(emulator().url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.end('GET /__emulator/clock HTTP/1.0\r\n\r\n');
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    await once(socket, 'close');
    expect(text).toMatch(/^HTTP\/1\.[01] 421 /);
  });

  it('the bound address and the loopback names are accepted, on the bound port only', async () => {
    const port = new URL(emulator().url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const answer = await raw(emulator().url, {
        path: '/__emulator/clock',
        headers: { Host: host },
      });
      expect(answer.status, host).toBe(200);
    }
    const otherPort = await raw(emulator().url, {
      path: '/__emulator/clock',
      headers: { Host: `127.0.0.1:${Number(port) + 1}` },
    });
    expect(otherPort.status).toBe(421);
  });

  it('allowedHosts adds names (any port), e.g. a container service name', async () => {
    const e = await startEmulator({ allowedHosts: ['hh-emulator'] });
    try {
      const ok = await raw(e.url, {
        path: '/__emulator/clock',
        headers: { Host: 'hh-emulator:8080' },
      });
      expect(ok.status).toBe(200);
      const bad = await raw(e.url, {
        path: '/__emulator/clock',
        headers: { Host: 'hh-emulator.evil:8080' },
      });
      expect(bad.status).toBe(421);
    } finally {
      await e.close();
    }
  });
});

describe('body size caps', () => {
  const huge = 200 * 1024 * 1024;
  const oneMiB = Buffer.alloc(1024 * 1024, 0x61);

  // The client declares 200 MB and sends 1 MB: the answer must come without the rest.
  it.each([
    ['/__emulator/clock', 'application/json'],
    ['/__emulator/apps', 'application/json'],
    ['/oauth/authorize/login', 'application/x-www-form-urlencoded'],
    ['/admin/login', 'application/x-www-form-urlencoded'],
  ])('a declared 200 MB body to %s is refused with 413 before it arrives', async (path, type) => {
    const answer = await raw(emulator().url, {
      method: 'POST',
      path,
      headers: { 'Content-Type': type, 'Content-Length': huge },
      body: oneMiB,
      end: false,
    });
    expect(answer.status).toBe(413);
  });

  it('a chunked body past the cap is refused with 413 (controls and forms)', async () => {
    const json = await raw(emulator().url, {
      method: 'POST',
      path: '/__emulator/apps',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: `{"redirectUri":"https://example.com/cb","name":"${'x'.repeat(MAX_CONTROL_BODY_BYTES)}"}`,
    });
    expect(json.status).toBe(413);
    expect(JSON.parse(json.body)).toEqual({
      error: `request body larger than ${MAX_CONTROL_BODY_BYTES} bytes`,
    });
    const form = await raw(emulator().url, {
      method: 'POST',
      path: '/oauth/authorize/login',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Transfer-Encoding': 'chunked',
      },
      body: `login=${'x'.repeat(MAX_FORM_BODY_BYTES)}`,
    });
    expect(form.status).toBe(413);
  });

  it('the token endpoint answers a declared 200 MB body in its own shape', async () => {
    const answer = await raw(emulator().url, {
      method: 'POST',
      path: '/oauth/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': huge },
      body: oneMiB,
      end: false,
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: 'invalid_request',
      error_description: 'request body too large',
    });
  });
});

describe('numbers are validated', () => {
  it.each([1e308, -1e308, 3_155_760_001])(
    'advanceSeconds: %d is a 400 and the clock keeps working',
    async (advanceSeconds) => {
      const before = emulator().controls.now();
      const answer = await control(emulator(), '/clock', { advanceSeconds });
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toMatch(/^advanceSeconds must be a number of seconds from/);
      const now = emulator().controls.now();
      expect(Number.isFinite(now)).toBe(true);
      expect(now - before).toBeLessThan(60_000);
      expect(() => emulator().controls.advanceClock(advanceSeconds)).toThrow(EmulatorInputError);
    },
  );

  it('now, TTLs and faults outside their ranges are 400s', async () => {
    for (const now of [1e308, -1, 8.64e15 + 1]) {
      expect((await control(emulator(), '/clock', { now })).status, String(now)).toBe(400);
    }
    expect((await control(emulator(), '/clock', { now: 0, advanceSeconds: -1 })).status).toBe(400);
    expect((await control(emulator(), '/ttl', { tokenTtlSeconds: 1e308 })).status).toBe(400);
    expect((await control(emulator(), '/faults', { kind: 'status', times: 1e308 })).status).toBe(
      400,
    );
    expect((await control(emulator(), '/faults', { kind: 'latency', ms: 1e308 })).status).toBe(400);
    expect((await control(emulator(), '/faults', { kind: 'status', path: 42 })).status).toBe(400);
    expect(emulator().controls.faults()).toEqual([]);
  });
});

describe('pages cannot be framed', () => {
  it('every answer carries the framing, sniffing and content policies', async () => {
    const page = await fetch(
      `${emulator().url}/oauth/authorize?client_id=${emulator().app.clientId}`,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const json = await fetch(`${emulator().url}/__emulator/clock`);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let attacker: Server;
    let attackerUrl: string;
    let attackerHtml = '';

    beforeAll(async () => {
      // attacker.test and rebind.test resolve to 127.0.0.1 in this browser: another site, and a
      // DNS name re-pointed at the emulator.
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: [
          ...CHROMIUM_ARGS,
          '--host-resolver-rules=MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1',
        ],
      });
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(attackerHtml);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      attackerUrl = `http://attacker.test:${(attacker.address() as AddressInfo).port}/`;
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => attacker?.close(resolve));
    });

    it("a signed-in user's consent page does not render inside another site's frame", async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const authorize = `${emulator().url}/oauth/authorize?response_type=code&client_id=${emulator().app.clientId}`;
        // The victim is signed in to the emulator (as after an earlier sign-in).
        await page.goto(authorize);
        await page.getByLabel('Login').fill(APPLICANT.login);
        await page.getByLabel('Password').fill(APPLICANT.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('button', { name: 'Allow' }).waitFor();
        attackerHtml = `<!doctype html><title>Win a prize</title><iframe src="${authorize}" width="600" height="400"></iframe>`;
        await page.goto(attackerUrl);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        expect(frame).toBeDefined();
        expect(await frame!.getByRole('button', { name: 'Allow' }).count()).toBe(0);
        expect(frame!.url()).not.toBe(authorize);
      } finally {
        await context.close();
      }
    });

    it('a cross-site text/plain form post to the controls is refused and changes nothing', async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const before = emulator().controls.now();
        // The classic trick: a text/plain form whose name=value pair is a JSON body.
        attackerHtml = `<!doctype html><form id="f" method="post" enctype="text/plain" action="${emulator().url}/__emulator/clock"><input name='{"advanceSeconds":86400,"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`;
        const answered = page.waitForResponse((r) => r.url().endsWith('/__emulator/clock'));
        await page.goto(attackerUrl);
        const response = await answered;
        expect(response.request().postData()).toBe('{"advanceSeconds":86400,"x":"="}\r\n');
        expect(response.status()).toBe(415);
        expect(emulator().controls.now() - before).toBeLessThan(86_400_000);
      } finally {
        await context.close();
      }
    });

    it('DNS rebinding: the emulator reached under another name answers 421', async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const port = new URL(emulator().url).port;
        const response = await page.goto(
          `http://rebind.test:${port}/oauth/authorize?response_type=code&client_id=${emulator().app.clientId}`,
        );
        expect(response?.status()).toBe(421);
        await expect(page.getByLabel('Login').count()).resolves.toBe(0);
      } finally {
        await context.close();
      }
    });
  });
});

// Keep the form client import used: the console's sign-in form is capped like the others.
it('a form of normal size still works under the cap', async () => {
  const client = new FormClient(emulator().url);
  const page = await client.get(
    `/oauth/authorize?response_type=code&client_id=${emulator().app.clientId}`,
  );
  const signedIn = await client.post('/oauth/authorize/login', {
    ...hiddenFields(page.html),
    login: APPLICANT.login,
    password: APPLICANT.password,
  });
  expect(signedIn.status).toBe(200);
  expect(signedIn.html).toContain('Allow');
});
