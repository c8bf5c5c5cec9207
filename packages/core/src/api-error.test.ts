import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiError } from './api-error.js';
import { ApiError, isHhOAuthError } from './errors.js';

const errors = (...entries: Array<[string, string]>) =>
  JSON.stringify({ errors: entries.map(([type, value]) => ({ type, value })) });

describe('parseApiError', () => {
  it.each([
    ['bad_authorization', 'reauthorize'],
    ['token_expired', 'refresh'],
    ['token_revoked', 'reauthorize'],
    ['application_not_found', 'fix_configuration'],
    ['user_auth_expected', 'fix_configuration'],
  ])('403 oauth/%s → %s', (value, recovery) => {
    const error = parseApiError(403, errors(['oauth', value]));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: value,
      recovery,
      status: 403,
      errors: [{ type: 'oauth', value }],
    });
  });

  it('reads bad_user_agent unset and blacklisted', () => {
    expect(parseApiError(400, errors(['bad_user_agent', 'unset'])).code).toBe('user_agent_missing');
    expect(parseApiError(400, errors(['bad_user_agent', 'blacklisted'])).code).toBe(
      'user_agent_blacklisted',
    );
  });

  it('prefers the oauth entry when several come at once, and keeps them all', () => {
    const error = parseApiError(403, errors(['bad_argument', 'x'], ['oauth', 'token_expired']));
    expect(error.code).toBe('token_expired');
    expect(error.errors).toHaveLength(2);
  });

  it('falls back to forbidden / api_error / server_error', () => {
    expect(parseApiError(403, '').code).toBe('forbidden');
    expect(parseApiError(404, errors(['not_found', 'x'])).code).toBe('api_error');
    expect(parseApiError(503, 'oops')).toMatchObject({
      code: 'server_error',
      recovery: 'retry_later',
    });
  });

  it('never throws, for any status and body', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.oneof(fc.string({ unit: 'binary' }), fc.json()),
        (status, body) => {
          expect(isHhOAuthError(parseApiError(status, body))).toBe(true);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
