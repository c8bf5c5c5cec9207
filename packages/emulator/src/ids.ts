import { randomBytes } from 'node:crypto';

/**
 * Random, URL-safe values with a prefix per kind, so that a value of the wrong kind is
 * recognizable as malformed (`invalid_grant` / `bad token`) rather than merely unknown.
 */
export const PREFIX = {
  code: 'hhc_',
  access: 'hha_',
  refresh: 'hhr_',
  app: 'hhp_',
  session: 'hhs_',
  csrf: '',
} as const;

export type IdKind = keyof typeof PREFIX;

/** 32 random bytes, base64url: 43 characters. */
const BODY = /^[A-Za-z0-9_-]{43}$/;

export function newId(kind: IdKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** True when `value` has the shape of a value of `kind` (it may still be unknown). */
export function isWellFormed(kind: IdKind, value: string): boolean {
  const prefix = PREFIX[kind];
  return value.startsWith(prefix) && BODY.test(value.slice(prefix.length));
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A client id or secret in hh.ru's style: 64 upper-case letters and digits. */
export function newClientCredential(): string {
  const bytes = randomBytes(64);
  let out = '';
  for (const byte of bytes) out += UPPER[byte % UPPER.length];
  return out;
}
