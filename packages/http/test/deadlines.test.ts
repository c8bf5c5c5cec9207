import type { HhOAuthError } from '@hh-oauth/core';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { closedPort, createGate, rejectionOf, shownBy } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createHttpTransport,
  type HttpTransport,
  type HttpTransportOptions,
} from '../src/index.js';
import { startLocalServer } from './local-server.js';

const USER_AGENT = 'hh-oauth-tests/1.0 (tests@example.com)';
const SECRET = 'CLIENT-SECRET-deadline-3b9e';
const REFRESH = 'REFRESH-TOKEN-deadline-c4d1';
const CODE = 'AUTH-CODE-deadline-77f0';
const ACCESS = 'ACCESS-TOKEN-deadline-0e5a';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, app: { clientSecret: SECRET } });
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.controls.reset());

function make(base: string, extra: Partial<HttpTransportOptions> = {}): HttpTransport {
  return createHttpTransport({
    oauthBaseUrl: base,
    apiBaseUrl: base,
    userAgent: USER_AGENT,
    clientId: emulator.app.clientId,
    clientSecret: SECRET,
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    ...extra,
  });
}

/** Every public call of a transport, each with a secret to carry. */
const everyCall = (t: HttpTransport, options: { signal?: AbortSignal } = {}) =>
  [
    ['exchangeCode', () => t.exchangeCode({ code: CODE }, options)],
    ['refreshTokens', () => t.refreshTokens({ refreshToken: REFRESH }, options)],
    ['requestAppToken', () => t.requestAppToken(options)],
    ['invalidateToken', () => t.invalidateToken({ accessToken: ACCESS }, options)],
    ['api', () => t.api(ACCESS, '/me', options)],
  ] as const;

function expectNoSecret(error: HhOAuthError) {
  const shown = shownBy(error);
  for (const secret of [SECRET, REFRESH, CODE, ACCESS]) expect(shown).not.toContain(secret);
}

describe('a port fetch refuses outright (the Fetch standard’s bad ports)', () => {
  it.each(['http://127.0.0.1:6000', 'http://127.0.0.1:1'])(
    '%s, default timeout: every call settles, network_error, sent: false, fix_configuration',
    async (base) => {
      let calls = 0;
      const counting: typeof fetch = (input, init) => {
        calls++;
        return fetch(input, init);
      };
      const t = make(base, { fetch: counting, retry: { tokenConnectLimit: 3, limit: 3 } });
      for (const [name, call] of everyCall(t)) {
        const before = calls;
        const error = await rejectionOf(call());
        expect(error, name).toMatchObject({
          code: 'network_error',
          sent: false,
          recovery: 'fix_configuration',
        });
        expect(calls - before, `${name}: a refused port is not retried`).toBe(1);
        expectNoSecret(error);
      }
    },
  );
});

describe('a connection refused before sending', () => {
  it('a token request is retried tokenConnectLimit times, then fails with sent: false', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const t = make(`http://127.0.0.1:${await closedPort()}`, {
      fetch: counting,
      retry: { tokenConnectLimit: 2, baseDelayMs: 1 },
    });
    for (const [name, call] of everyCall(t).slice(0, 4)) {
      calls = 0;
      const error = await rejectionOf(call());
      expect(error, name).toMatchObject({ code: 'network_error', sent: false });
      expect(calls, name).toBe(3);
      expectNoSecret(error);
    }
  });
});

describe('every call settles by its deadline', () => {
  it('a body that stalls half-way: timeout, on the token path and the API path', async () => {
    const release = createGate();
    const stalling = await startLocalServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"access_token":"');
      void release.wait().then(() => response.end('x","token_type":"bearer"}'));
    });
    try {
      const t = make(stalling.url, { timeoutMs: 200, retry: { limit: 0 } });
      for (const [name, call] of everyCall(t)) {
        if (name === 'invalidateToken') continue;
        expect(await rejectionOf(call()), name).toMatchObject({
          code: 'timeout',
          recovery: 'retry_later',
        });
      }
      // An invalidation's answer is its status line: a 2xx is done, whatever its body does.
      await expect(t.invalidateToken({ accessToken: ACCESS })).resolves.toBeUndefined();
      expect(stalling.requests).toHaveLength(5);
    } finally {
      release.open();
      await stalling.close();
    }
  });

  it('even when the fetch ignores its AbortSignal and the server never answers', async () => {
    const answer = createGate();
    const silent = await startLocalServer((_request, response) => {
      void answer.wait().then(() => response.writeHead(503).end());
    });
    // A fetch that drops the signal, as some polyfills and wrappers do.
    const deaf: typeof fetch = (input, init) =>
      input instanceof Request
        ? fetch(new Request(input, { signal: null }))
        : fetch(input, { ...init, signal: null });
    try {
      const t = make(silent.url, { fetch: deaf, timeoutMs: 200, retry: { limit: 0 } });
      for (const [name, call] of everyCall(t)) {
        // Nothing answers until the gate opens below: only the deadline can settle these.
        expect(await rejectionOf(call()), name).toMatchObject({ code: 'timeout' });
      }
    } finally {
      answer.open();
      await silent.close();
    }
  });

  it('from the first API try that runs out of time on, later ones are aborted too; token tries always are', async () => {
    const answer = createGate();
    const silent = await startLocalServer((_request, response) => {
      void answer.wait().then(() => response.writeHead(503).end());
    });
    try {
      const t = make(silent.url, { timeoutMs: 200, retry: { limit: 0 } });
      // The first: settled at its deadline, its request left running (no signal was followed).
      expect(await rejectionOf(t.api(ACCESS, '/me'))).toMatchObject({ code: 'timeout' });
      // The next: settled and aborted, so the client drops its connection.
      let closing = silent.nextClose();
      expect(await rejectionOf(t.api(ACCESS, '/me'))).toMatchObject({ code: 'timeout' });
      await closing;
      expect(silent.closedConnections()).toBe(1);
      // A token request is always aborted at its deadline.
      closing = silent.nextClose();
      const fresh = make(silent.url, { timeoutMs: 200 });
      expect(await rejectionOf(fresh.refreshTokens({ refreshToken: REFRESH }))).toMatchObject({
        code: 'timeout',
      });
      await closing;
      expect(silent.closedConnections()).toBe(2);
    } finally {
      answer.open();
      await silent.close();
    }
  });

  it('concurrent tries each meet their own deadline, however the others end', async () => {
    const answer = createGate();
    const mixed = await startLocalServer((request, response) => {
      if (request.url === '/fast') response.writeHead(200).end('{}');
      else void answer.wait().then(() => response.writeHead(503).end());
    });
    try {
      const t = make(mixed.url, { timeoutMs: 300, retry: { limit: 0 } });
      const first = rejectionOf(t.api(ACCESS, '/slow'));
      await expect(t.api(ACCESS, '/fast')).resolves.toEqual({});
      const second = rejectionOf(t.api(ACCESS, '/slow'));
      await expect(t.api(ACCESS, '/fast')).resolves.toEqual({});
      expect(await first).toMatchObject({ code: 'timeout' });
      await expect(t.api(ACCESS, '/fast')).resolves.toEqual({});
      expect(await second).toMatchObject({ code: 'timeout' });
      await expect(t.api(ACCESS, '/fast')).resolves.toEqual({});
    } finally {
      answer.open();
      await mixed.close();
    }
  });

  it('a call aborted before it starts is not sent; one aborted in flight settles at once', async () => {
    const done = new AbortController();
    done.abort();
    for (const [name, call] of everyCall(make(emulator.url), { signal: done.signal })) {
      expect(await rejectionOf(call()), name).toMatchObject({
        code: 'network_error',
        recovery: 'none',
        sent: false,
      });
    }
    expect(emulator.controls.stats().token).toMatchObject({
      authorization_code: 0,
      refresh_token: 0,
      client_credentials: 0,
    });

    const arrived = createGate();
    const holding = await startLocalServer((_request, response) => {
      void arrived.wait().then(() => response.writeHead(503).end());
    });
    try {
      const controller = new AbortController();
      const pending = make(holding.url).requestAppToken({ signal: controller.signal });
      await arrived.reached; // the server has the whole request: it was sent
      controller.abort();
      const error = await rejectionOf(pending);
      expect(error).toMatchObject({ code: 'network_error', recovery: 'none' });
      expect(error.sent).toBeUndefined();
    } finally {
      arrived.open();
      await holding.close();
    }
  });
});
