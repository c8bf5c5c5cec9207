import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, createState, timingSafeEqual } from './authorize.js';
import { parseCallback } from './callback.js';
import { isHhOAuthError } from './errors.js';

describe('buildAuthorizeUrl', () => {
  it('builds hh.ru’s authorize URL with only what was asked for', () => {
    expect(buildAuthorizeUrl({ clientId: 'ABC' })).toBe(
      'https://hh.ru/oauth/authorize?response_type=code&client_id=ABC',
    );
    const url = new URL(
      buildAuthorizeUrl({
        authorizeUrl: 'http://127.0.0.1:9/oauth/authorize',
        clientId: 'ABC',
        state: 's1',
        redirectUri: 'http://example.com/oauth?lang=RU&x=a b',
        forceLogin: true,
        skipChooseAccount: true,
      }),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:9/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'ABC',
      state: 's1',
      redirect_uri: 'http://example.com/oauth?lang=RU&x=a b',
      force_login: 'true',
      skip_choose_account: 'true',
    });
  });

  it('refuses a missing client id or a broken authorize URL with a typed error', () => {
    expect(() => buildAuthorizeUrl({ clientId: '' })).toThrow(/clientId is required/);
    try {
      buildAuthorizeUrl({ clientId: 'a', authorizeUrl: 'not a url' });
      expect.unreachable();
    } catch (error) {
      expect(isHhOAuthError(error) && error.code).toBe('invalid_argument');
    }
  });

  it('round-trips redirect_uri and state byte for byte through the URL and a callback', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (redirectUri, state, code) => {
          const url = new URL(buildAuthorizeUrl({ clientId: 'c', redirectUri, state }));
          expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
          expect(url.searchParams.get('state')).toBe(state);
          const callback = new URL('http://example.com/oauth');
          callback.searchParams.set('code', code);
          callback.searchParams.set('state', state);
          expect(parseCallback(callback.href, { expectedState: state })).toEqual({ code, state });
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('createState', () => {
  it('yields 256 URL-safe random bits, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const state = createState();
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(state);
    }
    expect(seen.size).toBe(1000);
  });
});

describe('timingSafeEqual', () => {
  it('agrees with === on any pair of strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });
});
