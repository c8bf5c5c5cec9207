import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  HhOAuthError,
  hasErrorCode,
  isHhOAuthError,
  TokenEndpointError,
} from './errors.js';

describe('HhOAuthError', () => {
  it('carries a stable code, its recovery, the server’s words and a cause', () => {
    const cause = new Error('socket hang up');
    const error = new TokenEndpointError('token_not_expired', 'too early', {
      error: 'invalid_grant',
      errorDescription: 'token not expired',
      status: 400,
      retryAt: 5,
      cause,
    });
    expect(error).toBeInstanceOf(HhOAuthError);
    expect(error).toMatchObject({
      name: 'TokenEndpointError',
      code: 'token_not_expired',
      recovery: 'retry_later',
      retryAt: 5,
    });
    expect(error.message).toBe('[hh-oauth] too early');
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      name: 'TokenEndpointError',
      code: 'token_not_expired',
      recovery: 'retry_later',
      message: '[hh-oauth] too early',
      error: 'invalid_grant',
      errorDescription: 'token not expired',
      status: 400,
      retryAt: 5,
    });
  });

  it('is recognised across realms by its brand, not by instanceof', () => {
    const error = new HhOAuthError('timeout', 't');
    const foreign = Object.assign(Object.create(null), error, {
      [Symbol.for('@hh-oauth/core:HhOAuthError')]: true,
    });
    expect(isHhOAuthError(error)).toBe(true);
    expect(isHhOAuthError(foreign)).toBe(true);
    expect(isHhOAuthError(new Error('x'))).toBe(false);
    expect(isHhOAuthError(null)).toBe(false);
    expect(hasErrorCode(error, 'timeout')).toBe(true);
    expect(hasErrorCode(error, 'network_error')).toBe(false);
  });

  it('clips and de-controls server text before keeping it', () => {
    const error = new HhOAuthError('oauth_error', 'x', {
      errorDescription: `a\nb${'c'.repeat(500)}`,
    });
    expect(error.errorDescription).toMatch(/^a bc+…$/);
    expect(error.errorDescription?.length).toBeLessThanOrEqual(201);
  });

  it('gives every code one of the documented recoveries', () => {
    const recoveries = new Set([
      'reauthorize',
      'refresh',
      'reload',
      'retry_later',
      'fix_configuration',
      'none',
    ]);
    for (const recovery of Object.values(ERROR_CODES)) expect(recoveries.has(recovery)).toBe(true);
  });
});
