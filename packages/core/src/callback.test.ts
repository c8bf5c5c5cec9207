import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCallback } from './callback.js';
import { CallbackError, isHhOAuthError } from './errors.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CallbackError)) throw error;
    return error.code;
  }
  throw new Error('expected a CallbackError');
};

describe('parseCallback', () => {
  it('returns the code when the state matches', () => {
    expect(
      parseCallback('http://example.com/oauth?code=C1&state=S', { expectedState: 'S' }),
    ).toEqual({
      code: 'C1',
      state: 'S',
    });
    expect(
      parseCallback(new URL('http://example.com/oauth?lang=RU&state=S&code=C1'), {
        expectedState: 'S',
      }).code,
    ).toBe('C1');
  });

  it('refuses a missing, repeated or wrong state before looking at the rest', () => {
    expect(code(() => parseCallback('http://e.com/?code=C', { expectedState: 'S' }))).toBe(
      'state_missing',
    );
    expect(code(() => parseCallback('http://e.com/?code=C&state=T', { expectedState: 'S' }))).toBe(
      'state_mismatch',
    );
    expect(
      code(() => parseCallback('http://e.com/?code=C&state=S&state=S', { expectedState: 'S' })),
    ).toBe('state_mismatch');
    expect(
      code(() =>
        parseCallback('http://e.com/?error=access_denied&state=T', { expectedState: 'S' }),
      ),
    ).toBe('state_mismatch');
    expect(code(() => parseCallback('http://e.com/?code=C&state=S', { expectedState: '' }))).toBe(
      'state_missing',
    );
  });

  it('reports a denial and other errors, keeping the server’s words', () => {
    expect(
      code(() =>
        parseCallback('http://e.com/?error=access_denied&state=S', { expectedState: 'S' }),
      ),
    ).toBe('access_denied');
    try {
      parseCallback('http://e.com/?error=invalid_scope&error_description=nope&state=S', {
        expectedState: 'S',
      });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'authorization_error',
        error: 'invalid_scope',
        errorDescription: 'nope',
        recovery: 'reauthorize',
      });
    }
  });

  it('refuses a callback without exactly one code, or that is not a URL', () => {
    expect(code(() => parseCallback('http://e.com/?state=S', { expectedState: 'S' }))).toBe(
      'invalid_callback',
    );
    expect(code(() => parseCallback('http://e.com/?code=&state=S', { expectedState: 'S' }))).toBe(
      'invalid_callback',
    );
    expect(
      code(() => parseCallback('http://e.com/?code=a&code=b&state=S', { expectedState: 'S' })),
    ).toBe('invalid_callback');
  });

  it('calls a relative callback URL a configuration error that names the fix, never a sign-in problem', () => {
    for (const relative of ['/relative?code=SECRET-CODE&state=S', 'cb?code=SECRET-CODE', '']) {
      let thrown: unknown;
      try {
        parseCallback(relative, { expectedState: 'S' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({
        name: 'ConfigurationError',
        code: 'invalid_callback_url',
        recovery: 'fix_configuration',
      });
      expect((thrown as Error).message).toContain('absolute URL');
      expect((thrown as Error).cause).toBeUndefined();
      expect(JSON.stringify(thrown) + String(thrown) + (thrown as Error).stack).not.toContain(
        'SECRET-CODE',
      );
    }
  });

  it('throws nothing but HhOAuthError, whatever the input, and never echoes the code', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (url, state) => {
        try {
          parseCallback(url, { expectedState: state });
        } catch (error) {
          expect(isHhOAuthError(error)).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
    try {
      parseCallback('http://e.com/?code=SECRET-CODE&state=T', { expectedState: 'S' });
    } catch (error) {
      expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(
        'SECRET-CODE',
      );
    }
  });
});
