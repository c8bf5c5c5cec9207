import type { HhOAuthError } from '@hh-oauth/core';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { closedPort, rejectionOf, shownBy } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createHttpTransport,
  type HttpTransport,
  type HttpTransportOptions,
} from '../src/index.js';

const USER_AGENT = 'hh-oauth-tests/1.0 (tests@example.com)';
const SECRET = 'CLIENT-SECRET-must-never-show-7f3a';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, app: { clientSecret: SECRET } });
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.controls.reset());

function make(extra: Partial<HttpTransportOptions> = {}): HttpTransport {
  return createHttpTransport({
    oauthBaseUrl: emulator.url,
    apiBaseUrl: emulator.url,
    userAgent: USER_AGENT,
    clientId: emulator.app.clientId,
    clientSecret: SECRET,
    timeoutMs: 1000,
    retry: { baseDelayMs: 1, maxDelayMs: 50 },
    ...extra,
  });
}

const code = () =>
  emulator.controls.issueCode({ clientId: emulator.app.clientId, login: 'applicant@example.com' });
const stats = () => emulator.controls.stats().token;

describe('token requests are never retried once they may have reached hh.ru', () => {
  it.each([
    ['a 503', { kind: 'status', status: 503 }, 'server_error'],
    ['a dropped connection', { kind: 'drop' }, 'network_error'],
    ['a consumed-then-failed answer', { kind: 'consume_then_fail' }, 'server_error'],
    ['a consumed-then-dropped answer', { kind: 'consume_then_fail', drop: true }, 'network_error'],
    ['a timeout', { kind: 'latency', ms: 1500 }, 'timeout'],
  ] as const)('%s → %s, one request', async (_name, fault, expected) => {
    const transport = make();
    emulator.controls.addFault({ ...fault, path: '/oauth/token', times: 5 });
    const error = await rejectionOf(transport.exchangeCode({ code: code() }));
    expect(error).toMatchObject({ code: expected, recovery: 'retry_later' });
    expect(stats().authorization_code).toBe(1);
  });

  it('a consumed-then-failed refresh leaves the token spent: the next try says already refreshed', async () => {
    const transport = make();
    const pair = await transport.exchangeCode({ code: code() });
    emulator.controls.advanceClock(1_209_601);
    emulator.controls.addFault({ kind: 'consume_then_fail', path: '/oauth/token' });
    expect(
      await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! })),
    ).toMatchObject({ code: 'server_error' });
    expect(
      await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! })),
    ).toMatchObject({ code: 'refresh_token_reused' });
    expect(stats().refresh_token).toBe(2);
  });

  it('retries only a connection that was refused before sending', async () => {
    const port = await closedPort();
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const transport = make({
      oauthBaseUrl: `http://127.0.0.1:${port}`,
      fetch: counting,
      retry: { tokenConnectLimit: 2, baseDelayMs: 1 },
    });
    expect(await rejectionOf(transport.requestAppToken())).toMatchObject({
      code: 'network_error',
      sent: false,
    });
    expect(calls).toBe(3);
  });
});

describe('API calls', () => {
  it('retries an idempotent GET on 5xx, within the bound, and succeeds', async () => {
    const transport = make();
    const { accessToken } = await transport.exchangeCode({ code: code() });
    emulator.controls.addFault({ kind: 'status', status: 502, path: '/me', times: 2 });
    await expect(transport.api(accessToken, '/me')).resolves.toMatchObject({ is_applicant: true });
    emulator.controls.addFault({ kind: 'status', status: 503, path: '/me', times: 3 });
    expect(await rejectionOf(transport.api(accessToken, '/me'))).toMatchObject({
      code: 'server_error',
      status: 503,
    });
  });

  it('honours Retry-After on 429, and does not wait longer than maxDelayMs', async () => {
    const { createServer } = await import('node:http');
    const answers = [
      { status: 429, retryAfter: '0' },
      { status: 200, retryAfter: undefined },
      { status: 429, retryAfter: '30' },
    ];
    let requests = 0;
    const server = createServer((_request, response) => {
      const answer = answers[requests++] ?? { status: 500, retryAfter: undefined };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
      response.writeHead(answer.status, headers).end(answer.status === 200 ? '{"ok":true}' : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const transport = make({ apiBaseUrl: url, retry: { baseDelayMs: 1, maxDelayMs: 50 } });
      await expect(transport.api('t', '/me')).resolves.toEqual({ ok: true });
      expect(requests).toBe(2);
      const before = Date.now();
      const error = await rejectionOf(transport.api('t', '/me'));
      expect(requests).toBe(3); // Retry-After: 30 s is past maxDelayMs: no retry
      expect(error).toMatchObject({ status: 429, recovery: 'retry_later' });
      expect(error.retryAt).toBeGreaterThanOrEqual(before + 29_000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never retries a non-idempotent call', async () => {
    const transport = make();
    const { accessToken } = await transport.exchangeCode({ code: code() });
    emulator.controls.addFault({ kind: 'status', status: 503, path: '/me', times: 1 });
    expect(
      await rejectionOf(transport.api(accessToken, '/me', { method: 'POST', json: {} })),
    ).toMatchObject({ code: 'server_error' });
    await expect(transport.api(accessToken, '/me')).resolves.toMatchObject({ is_applicant: true });
  });

  it('times out a slow API call', async () => {
    const transport = make({ retry: { limit: 0 } });
    const { accessToken } = await transport.exchangeCode({ code: code() });
    emulator.controls.addFault({ kind: 'latency', ms: 1500, path: '/me' });
    expect(await rejectionOf(transport.api(accessToken, '/me'))).toMatchObject({ code: 'timeout' });
  });

  it('refuses an answer larger than the cap', async () => {
    const transport = make({ maxResponseBytes: 64 });
    const { accessToken } = await transport.exchangeCode({ code: code() });
    expect(await rejectionOf(transport.api(accessToken, '/me'))).toMatchObject({
      code: 'response_too_large',
    });
  });
});

describe('no secret in any error', () => {
  it('keeps client_secret, codes and tokens out of every error, its cause and its serialization', async () => {
    const transport = make();
    const pair = await transport.exchangeCode({ code: code() });
    const secrets = [SECRET, pair.accessToken, pair.refreshToken!];
    const errors: HhOAuthError[] = [];
    const usedCode = code();
    secrets.push(usedCode);
    await transport.exchangeCode({ code: usedCode });
    errors.push(await rejectionOf(transport.exchangeCode({ code: usedCode })));
    errors.push(await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! })));
    errors.push(await rejectionOf(make({ clientSecret: `${SECRET}x` }).requestAppToken()));
    for (const fault of [
      { kind: 'drop' },
      { kind: 'latency', ms: 1500 },
      { kind: 'status', status: 500 },
    ] as const) {
      emulator.controls.addFault({ ...fault, path: '/oauth/token' });
      errors.push(await rejectionOf(transport.exchangeCode({ code: code() })));
      emulator.controls.addFault({ ...fault, path: '/me', times: 3 });
      errors.push(await rejectionOf(transport.api(pair.accessToken, '/me')));
      emulator.controls.clearFaults();
    }
    errors.push(await rejectionOf(transport.api('garbage', '/me')));
    errors.push(await rejectionOf(transport.invalidateToken({ accessToken: 'garbage' })));
    // Failures before sending and aborts, each carrying a real secret.
    const blocked = make({
      oauthBaseUrl: 'http://127.0.0.1:6000',
      apiBaseUrl: 'http://127.0.0.1:1',
    });
    errors.push(await rejectionOf(blocked.exchangeCode({ code: code() })));
    errors.push(await rejectionOf(blocked.refreshTokens({ refreshToken: pair.refreshToken! })));
    errors.push(await rejectionOf(blocked.requestAppToken()));
    errors.push(await rejectionOf(blocked.invalidateToken({ accessToken: pair.accessToken })));
    errors.push(await rejectionOf(blocked.api(pair.accessToken, '/me')));
    const aborted = { signal: AbortSignal.abort() };
    errors.push(
      await rejectionOf(transport.refreshTokens({ refreshToken: pair.refreshToken! }, aborted)),
    );
    emulator.controls.addFault({ kind: 'status', status: 429, path: '/me', times: 3 });
    errors.push(
      await rejectionOf(transport.api(pair.accessToken, '/me', { query: { q: SECRET } })),
    );
    expect(new Set(errors.map((e) => e.code)).size).toBeGreaterThanOrEqual(6);
    expect(errors.filter((e) => e.sent === false).length).toBeGreaterThanOrEqual(6);
    for (const error of errors) {
      const shown = shownBy(error);
      for (const secret of secrets) expect(shown, error.code).not.toContain(secret);
    }
  });
});

describe('the size cap counts decoded bytes', () => {
  it('refuses a small gzip body that inflates past the cap', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(JSON.stringify({ pad: 'x'.repeat(4 * 1024 * 1024) }));
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      response.end(bomb);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(bomb.length).toBeLessThan(64 * 1024);
      const transport = make({ apiBaseUrl: url, oauthBaseUrl: url, maxResponseBytes: 1024 * 1024 });
      expect(await rejectionOf(transport.api('t', '/me'))).toMatchObject({
        code: 'response_too_large',
      });
      expect(await rejectionOf(transport.requestAppToken())).toMatchObject({
        code: 'response_too_large',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
