// Behind https (or a proxy that says so through `origin`): `__Host-` cookies with `Secure`, and
// POSTs from anywhere but the public origin refused.
import { createHhOAuth } from '@hh-oauth/client';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { createMemoryStore } from '@hh-oauth/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHhWeb, type HhWeb } from '../src/index.js';
import { SECRET, USER_AGENT } from './suite.js';

let emulator: Emulator;
let web: HhWeb;

beforeAll(async () => {
  emulator = await startEmulator({ app: { redirectUri: 'https://app.example/auth/callback' } });
  const hh = createHhOAuth({
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    redirectUri: 'https://app.example/auth/callback',
    userAgent: USER_AGENT,
    store: createMemoryStore(),
    oauthBaseUrl: emulator.url,
    apiBaseUrl: emulator.url,
  });
  web = createHhWeb({ hh, secret: SECRET, origin: 'https://app.example' });
});
afterAll(() => emulator?.close());

describe('createHhWeb over https', () => {
  it('sets the state as a __Host- cookie with Secure, HttpOnly and SameSite=Lax', async () => {
    const answer = await web.signIn(new Request('http://10.0.0.5:8080/auth/signin'));
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toContain(`${emulator.url}/oauth/authorize?`);
    const [cookie] = answer.headers.getSetCookie();
    expect(cookie).toMatch(
      /^__Host-hh_state=[^;]+\.[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
  });

  it('refuses a sign-in or sign-out POST from another origin, or with no origin at all', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      {},
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      for (const path of ['/auth/signin', '/auth/signout']) {
        const answer = await web.handle(
          new Request(`https://app.example${path}`, { method: 'POST', headers }),
        );
        expect(answer?.status).toBe(403);
        expect(answer?.headers.getSetCookie()).toEqual([]);
      }
    }
    const own = await web.signOut(
      new Request('https://app.example/auth/signout', {
        method: 'POST',
        headers: { origin: 'https://app.example' },
      }),
    );
    expect(own.status).toBe(303);
    expect(own.headers.getSetCookie()).toEqual([
      '__Host-hh_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure',
    ]);
  });

  it("a failed callback redirects with the code of the error only, never the callback's code", async () => {
    const callback = 'https://app.example/auth/callback?code=hhc_SECRET_CODE&state=forged';
    const answers = [
      await web.callback(new Request(callback)),
      await web.callback(
        new Request(
          'https://app.example/auth/callback?error=access_denied&state=x&code=hhc_SECRET_CODE',
        ),
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(302);
      const shown = [...answer.headers].join('\n') + (await answer.text());
      expect(shown).not.toContain('hhc_SECRET_CODE');
      expect(answer.headers.get('location')).toBe(
        '/?hh_error=state_missing&hh_recovery=reauthorize',
      );
    }
  });

  it('refuses options that could redirect off-site', () => {
    const hh = createHhOAuth({
      clientId: 'x',
      clientSecret: 'y',
      userAgent: USER_AGENT,
      store: createMemoryStore(),
    });
    for (const afterSignIn of ['https://evil.example/', '//evil.example/', 'profile']) {
      expect(() => createHhWeb({ hh, secret: SECRET, afterSignIn })).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });
});
