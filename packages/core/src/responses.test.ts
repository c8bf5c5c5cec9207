import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processApiResponse, processTokenInvalidation } from './api-response.js';
import { ApiError, isHhOAuthError, TokenEndpointError, TransportError } from './errors.js';
import { type HttpAnswer, isRedirect, retryAfterMs } from './http-answer.js';
import { parseTokenResponse, processTokenResponse } from './token-response.js';

const now = 1_700_000_000_000;
const headers = (entries: Record<string, string> = {}) => new Headers(entries);
const answer = (status: number, body: unknown, extra: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: headers(extra),
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
/** Everything an error shows: its text, stack, JSON, and every own property, hidden ones too, down its causes. */
function shown(error: unknown, depth = 0): string {
  if (typeof error !== 'object' || error === null || depth > 4) return String(error);
  const parts = [String(error), JSON.stringify(error)];
  for (const key of Reflect.ownKeys(error)) {
    const value = (error as Record<PropertyKey, unknown>)[key];
    parts.push(String(key), typeof value === 'object' ? shown(value, depth + 1) : String(value));
  }
  return parts.join('\n');
}

function thrown(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(isHhOAuthError(error), String(error)).toBe(true);
    return error as TransportError;
  }
  throw new Error('expected a throw');
}

describe('retryAfterMs (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds and HTTP-dates against now, and nothing else', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(new Date(now + 7000).toUTCString(), now)).toBe(7000);
    expect(retryAfterMs(new Date(now - 7000).toUTCString(), now)).toBe(0);
    const date = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', date - 1000)).toBe(1000);
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', date - 1000)).toBe(1000);
    for (const value of [null, undefined, '', 'soon', '-1', '1.5']) {
      expect(retryAfterMs(value, now)).toBeUndefined();
    }
  });
});

describe('isRedirect', () => {
  it('is true for 3xx and for a browser’s opaque redirect (status 0)', () => {
    for (const status of [0, 300, 301, 302, 303, 307, 308, 399])
      expect(isRedirect(status)).toBe(true);
    for (const status of [200, 204, 299, 400, 403, 500]) expect(isRedirect(status)).toBe(false);
  });
});

describe('processTokenResponse', () => {
  const pair = { access_token: 'A', token_type: 'bearer', expires_in: 60, refresh_token: 'R' };

  it('reads a success on the caller’s clock, as parseTokenResponse does', () => {
    expect(processTokenResponse(answer(200, pair), { now })).toEqual(
      parseTokenResponse(200, JSON.stringify(pair), { now }),
    );
    expect(processTokenResponse(answer(200, pair), { now: 5 })).toMatchObject({
      obtainedAt: 5,
      expiresAt: 60_005,
    });
  });

  it.each([301, 302, 303, 307, 308, 0])(
    'refuses a %i redirect as invalid_response / fix_configuration, even one with a token body',
    (status) => {
      const error = thrown(() =>
        processTokenResponse(answer(status, pair, { location: 'http://elsewhere/SECRET' }), {
          now,
        }),
      );
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({
        code: 'invalid_response',
        recovery: 'fix_configuration',
        status,
      });
      expect(shown(error)).not.toContain('SECRET');
    },
  );

  it('turns a 5xx Retry-After into retryAt on the caller’s clock', () => {
    expect(
      thrown(() => processTokenResponse(answer(503, '', { 'retry-after': '30' }), { now })),
    ).toMatchObject({ code: 'server_error', status: 503, retryAt: now + 30_000 });
    expect(thrown(() => processTokenResponse(answer(502, ''), { now })).retryAt).toBeUndefined();
  });

  it('maps hh.ru error answers like parseTokenResponse, headers or not', () => {
    const error = thrown(() =>
      processTokenResponse(
        { status: 400, body: '{"error":"invalid_grant","error_description":"code expired"}' },
        { now },
      ),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error.code).toBe('code_expired');
  });

  it('needs now', () => {
    expect(thrown(() => processTokenResponse(answer(200, pair), {} as never)).code).toBe(
      'invalid_argument',
    );
  });
});

describe('processApiResponse', () => {
  it('parses a 2xx, and yields undefined for an empty one', () => {
    expect(processApiResponse(answer(200, { id: 1 }), { now })).toEqual({ id: 1 });
    expect(processApiResponse(answer(201, ''), { now })).toBeUndefined();
    expect(processApiResponse(answer(204, ''), { now })).toBeUndefined();
  });

  it('refuses a 2xx that is not JSON, naming the call but not the body', () => {
    const error = thrown(() =>
      processApiResponse(answer(200, 'SECRET{'), { now, label: 'GET /me' }),
    );
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 });
    expect(error.message).toContain('GET /me');
    expect(shown(error)).not.toContain('SECRET');
  });

  it('429: retry_later, retryAt from Retry-After on the caller’s clock, hh.ru’s entries kept', () => {
    const body = { errors: [{ type: 'too_many_requests', value: 'x' }] };
    expect(
      thrown(() => processApiResponse(answer(429, body, { 'retry-after': '2' }), { now })),
    ).toMatchObject({
      code: 'api_error',
      recovery: 'retry_later',
      status: 429,
      retryAt: now + 2000,
      errors: [{ type: 'too_many_requests', value: 'x' }],
    });
    expect(thrown(() => processApiResponse(answer(429, ''), { now })).retryAt).toBeUndefined();
  });

  it('5xx: server_error, with retryAt when hh.ru sent Retry-After', () => {
    expect(
      thrown(() => processApiResponse(answer(503, '', { 'retry-after': '1' }), { now })),
    ).toMatchObject({ code: 'server_error', recovery: 'retry_later', retryAt: now + 1000 });
  });

  it('other errors as parseApiError reads them', () => {
    const body = { errors: [{ type: 'oauth', value: 'token_expired' }] };
    const error = thrown(() => processApiResponse(answer(403, body), { now }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'token_expired', recovery: 'refresh' });
  });
});

describe('processTokenInvalidation', () => {
  it('is done on 204 and 200; refuses a redirect; reads errors', () => {
    expect(processTokenInvalidation(answer(204, ''), { now })).toBeUndefined();
    expect(processTokenInvalidation(answer(200, '{}'), { now })).toBeUndefined();
    expect(thrown(() => processTokenInvalidation(answer(307, ''), { now }))).toMatchObject({
      code: 'invalid_response',
      recovery: 'fix_configuration',
      status: 307,
    });
    const body = { errors: [{ type: 'oauth', value: 'bad_authorization' }] };
    expect(thrown(() => processTokenInvalidation(answer(403, body), { now })).code).toBe(
      'bad_authorization',
    );
  });
});

describe('every processor, for any answer', () => {
  it('returns or throws an HhOAuthError, never another error, and never shows the body', () => {
    const marker = 'BODY-MARKER-7d1e';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.oneof(fc.string(), fc.json(), fc.constant(`{"access_token":"${marker}"`)),
        fc.option(fc.oneof(fc.string(), fc.nat().map(String)), { nil: undefined }),
        (status, body, retryAfter) => {
          const input: HttpAnswer = {
            status,
            headers: headers(
              retryAfter === undefined
                ? {}
                : { 'retry-after': retryAfter.replace(/[\r\n\0]/g, '') },
            ),
            body,
          };
          for (const run of [
            () => processTokenResponse(input, { now }),
            () => processApiResponse(input, { now }),
            () => processTokenInvalidation(input, { now }),
          ]) {
            try {
              run();
            } catch (error) {
              expect(isHhOAuthError(error)).toBe(true);
              expect(shown(error)).not.toContain(marker);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
