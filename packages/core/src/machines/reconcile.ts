import type { SessionRecord } from './types.js';

/**
 * Whether `ours` — a record holding a pair this process just received from hh.ru — may replace
 * `theirs`, the record another writer stored while we held (or had lost) the lock.
 *
 * A pair hh.ru issued is never dropped for a record that says less: it replaces a `stale` or
 * `failed` record, the spent-marked copy of the pair it was refreshed from, or nothing at all. It
 * gives way only to what is newer: a sign-out, or another valid pair that is not one we spent and
 * was obtained no earlier than ours (a re-authorization, say). A sign-in (`signIn`: the pair came
 * from a code exchange) is newer than anything stored, and replaces it.
 */
export function supersedes(
  ours: SessionRecord,
  theirs: SessionRecord | undefined,
  options: { readonly signIn?: boolean } = {},
): boolean {
  const pair = ours.tokens;
  if (ours.status !== 'authorized' || pair === undefined) return false;
  if (theirs === undefined || options.signIn === true) return true;
  if (theirs.status === 'signedOut') return false;
  if (theirs.status !== 'authorized' || theirs.tokens === undefined) return true;
  const other = theirs.tokens;
  if (other.accessToken === pair.accessToken) return true;
  const spent = ours.usedRefreshTokens ?? [];
  if (other.refreshToken !== undefined && spent.includes(other.refreshToken)) return true;
  return other.obtainedAt < pair.obtainedAt;
}
