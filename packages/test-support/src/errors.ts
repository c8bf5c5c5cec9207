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
