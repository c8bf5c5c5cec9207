import {
  parseApiError,
  parseCallback,
  parseTokenResponse,
  validateRedirectUri,
} from '@hh-oauth/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apiErrorAnswerArb,
  callbackUrlArb,
  hostileRedirectUriArb,
  malformedTokenAnswerArb,
  tokenAnswerArb,
  tokenErrorAnswerArb,
  validRedirectUriArb,
} from '../src/index.js';

const REGISTERED = 'http://example.com/oauth';

describe('arbitraries agree with @hh-oauth/core', () => {
  it('valid refinements are allowed, hostile redirect URIs rejected', () => {
    fc.assert(
      fc.property(validRedirectUriArb(REGISTERED), (uri) => {
        expect(validateRedirectUri(REGISTERED, uri).ok).toBe(true);
      }),
    );
    fc.assert(
      fc.property(hostileRedirectUriArb(REGISTERED), ({ kind, uri }) => {
        expect([kind, validateRedirectUri(REGISTERED, uri).ok]).toEqual([kind, false]);
      }),
      { numRuns: 300 },
    );
  });

  it('token answers parse; malformed ones fail as invalid_response / server_error', () => {
    fc.assert(
      fc.property(tokenAnswerArb, ({ status, body }) => {
        expect(parseTokenResponse(status, body, { now: 0 }).tokenType).toBe('bearer');
      }),
    );
    fc.assert(
      fc.property(malformedTokenAnswerArb, ({ status, body }) => {
        expect(() => parseTokenResponse(status, body, { now: 0 })).toThrow();
      }),
    );
  });

  it('every documented error answer maps to its code', () => {
    fc.assert(
      fc.property(tokenErrorAnswerArb, ({ status, body, code }) => {
        try {
          parseTokenResponse(status, body, { now: 0 });
          expect.unreachable();
        } catch (error) {
          expect((error as { code: string }).code).toBe(code);
        }
      }),
    );
    fc.assert(
      fc.property(apiErrorAnswerArb, ({ status, body, code }) => {
        expect(parseApiError(status, body).code).toBe(code);
      }),
    );
  });

  it('callback URLs carry what their kind says', () => {
    fc.assert(
      fc.property(
        validRedirectUriArb(REGISTERED).chain((uri) => callbackUrlArb(uri, 'STATE')),
        ({ kind, url }) => {
          let outcome = 'code';
          try {
            parseCallback(url, { expectedState: 'STATE' });
          } catch (error) {
            outcome = (error as { code: string }).code;
          }
          const expected = {
            code: ['code'],
            error: ['access_denied', 'authorization_error'],
            wrong_state: ['state_mismatch'],
            no_state: ['state_missing'],
            no_code: ['invalid_callback'],
          }[kind];
          expect(expected).toContain(outcome);
        },
      ),
    );
  });
});
