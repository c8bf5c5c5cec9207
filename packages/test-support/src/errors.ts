import { inspect } from 'node:util';
import { type HhOAuthError, isHhOAuthError } from '@hh-oauth/core';
import { expect } from 'vitest';

/** The `HhOAuthError` that `promise` rejects with; fails the test if it resolves or throws another type. */
export async function rejectionOf(promise: Promise<unknown>): Promise<HhOAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(isHhOAuthError(error), String(error)).toBe(true);
    return error as HhOAuthError;
  }
  throw new Error('expected a rejection');
}

/**
 * Everything an error shows a user or a log: its string, stack and JSON, and `util.inspect` of it
 * and of its cause with hidden properties. A test asserts that no secret is in it.
 */
export function shownBy(error: HhOAuthError): string {
  return [
    String(error),
    error.stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    inspect(error.cause, { depth: 10, showHidden: true }),
  ].join('\n');
}
