import { inspect } from 'node:util';
import { type HhOAuthError, isHhOAuthError } from '@hh-oauth/core';
import { expect } from 'vitest';

/**
 * What a secret looks like when the emulator issued it: a code, an access, refresh or app token
 * (`hhc_`, `hha_`, `hhr_`, `hhp_` and 43 base64url characters). Client secrets are checked by value
 * ({@link registerSecret}), since a client id has the same shape and is not secret.
 */
const ISSUED_SECRET = /hh[carp]_[A-Za-z0-9_-]{43}/;

/** Values no error may show: client secrets and tokens a test knows. Process-wide, test-only. */
const secrets = new Set<string>();

/** Adds a value that no error may ever show (a client secret, a token a test holds). */
export function registerSecret(value: string): void {
  if (value.length >= 8) secrets.add(value);
}

/**
 * Everything an error shows a user or a log: its string, stack and JSON, and `util.inspect` of it
 * with hidden properties at any depth, which walks its cause chain (and an AggregateError's
 * errors) too. A test asserts that no secret is in it.
 */
export function shownBy(error: unknown): string {
  const shown = [
    String(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ];
  for (let e: unknown = error, hops = 0; e instanceof Error && hops < 16; hops++) {
    shown.push(e.stack ?? '', safeJson(e));
    e = e.cause;
  }
  return shown.join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Fails the test when anything `error` shows holds an issued or registered secret. */
export function expectNoSecretShown(error: unknown): void {
  const shown = shownBy(error);
  const issued = ISSUED_SECRET.exec(shown);
  expect(issued?.[0], 'an error shows an issued code or token').toBeUndefined();
  for (const secret of secrets) {
    expect(shown.includes(secret), 'an error shows a registered secret').toBe(false);
  }
}

/**
 * The `HhOAuthError` that `promise` rejects with; fails the test if it resolves, throws another
 * type, or shows a secret (so every rejection a fault suite provokes is checked for leaks).
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<HhOAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(isHhOAuthError(error), String(error)).toBe(true);
    expectNoSecretShown(error);
    return error as HhOAuthError;
  }
  throw new Error('expected a rejection');
}
