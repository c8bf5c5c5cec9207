import { describe, expect, it } from 'vitest';
import { type SessionRecord, supersedes, type TokenSet } from '../../src/index.js';

const pair = (n: number, obtainedAt: number): TokenSet => ({
  accessToken: `A${n}`,
  tokenType: 'bearer',
  refreshToken: `R${n}`,
  expiresAt: obtainedAt + 1000,
  obtainedAt,
});
const error = { code: 'refresh_token_reused' as const, message: 'm' };
// Ours: the pair hh.ru just issued for R1, which we spent.
const ours: SessionRecord = {
  v: 1,
  kind: 'session',
  status: 'authorized',
  tokens: pair(2, 100),
  usedRefreshTokens: ['R1'],
};

describe('supersedes: a pair hh.ru issued is never dropped for a record that says less', () => {
  it('replaces nothing, stale, failed, and the spent-marked copy it was refreshed from', () => {
    const spentCopy: SessionRecord = {
      v: 1,
      kind: 'session',
      status: 'authorized',
      tokens: pair(1, 0),
      usedRefreshTokens: ['R1'],
    };
    for (const theirs of [
      undefined,
      { v: 1, kind: 'session', status: 'stale', tokens: pair(1, 0), error },
      { v: 1, kind: 'session', status: 'failed', error },
      spentCopy,
      ours,
    ] satisfies (SessionRecord | undefined)[]) {
      expect(supersedes(ours, theirs)).toBe(true);
    }
  });

  it('gives way to a sign-out and to a newer pair it did not spend', () => {
    expect(supersedes(ours, { v: 1, kind: 'session', status: 'signedOut' })).toBe(false);
    const reauthorized: SessionRecord = {
      v: 1,
      kind: 'session',
      status: 'authorized',
      tokens: pair(9, 200),
    };
    expect(supersedes(ours, reauthorized)).toBe(false);
    // An older pair it did not spend (from before a clock step) does not win.
    expect(supersedes(ours, { ...reauthorized, tokens: pair(9, 50) })).toBe(true);
  });

  it('only a record holding a pair can supersede anything', () => {
    expect(
      supersedes({ v: 1, kind: 'session', status: 'stale', tokens: pair(2, 1), error }, undefined),
    ).toBe(false);
    expect(supersedes({ v: 1, kind: 'session', status: 'signedOut' }, undefined)).toBe(false);
  });
});
