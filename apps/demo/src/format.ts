/** Small pure helpers for what the pages show. */
import { isHhOAuthError, type Recovery } from '@hh-oauth/core';

/** At most a short prefix of a token: never the whole value, on a page or in a log. */
export function maskToken(token: string | undefined): string {
  if (token === undefined || token === '') return '—';
  return `${token.slice(0, Math.min(6, Math.floor(token.length / 3)))}…`;
}

/** `13 d 23 h 59 min 58 s`; negative durations are written as their absolute value. */
export function formatDuration(ms: number): string {
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} d`);
  if (days || hours) parts.push(`${hours} h`);
  if (days || hours || minutes) parts.push(`${minutes} min`);
  parts.push(`${seconds} s`);
  return parts.join(' ');
}

/** `2025-01-31 12:00:00 UTC`: the demo's clock may be the emulator's, days ahead of the wall. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What the user (or the app's developer) should do next, in words, for each recovery hint. */
export const RECOVERY_HINTS: Readonly<Record<Recovery, string>> = {
  reauthorize: 'Sign in with hh.ru again: this grant is gone.',
  refresh: 'The access token expired: the client refreshes it and retries once.',
  reload: 'Another process already refreshed: reload the page to use the new pair.',
  retry_later: 'Nothing is lost: try again later.',
  fix_configuration:
    "A configuration problem (client id or secret, redirect_uri, User-Agent): fix the app's settings.",
  none: 'Nothing to do automatically.',
};

/** An error as a page shows it: plain words, a stable code, and the recovery hint. */
export interface ShownError {
  readonly title: string;
  readonly message: string;
  readonly code?: string;
  readonly recovery?: Recovery;
  readonly hint?: string;
  readonly retryAt?: number;
}

/**
 * Describes any thrown value for a page. hh-oauth's messages carry no secrets (they are built from
 * codes and hh.ru's fixed descriptions); anything else is shown by its name only.
 */
export function describeError(error: unknown, title = 'Something went wrong'): ShownError {
  if (isHhOAuthError(error)) {
    const shown: {
      -readonly [K in keyof ShownError]: ShownError[K];
    } = {
      title,
      message: error.message.replace(/^\[hh-oauth\] /, ''),
      code: error.code,
      recovery: error.recovery,
      hint: RECOVERY_HINTS[error.recovery],
    };
    if (error.retryAt !== undefined) shown.retryAt = error.retryAt;
    return shown;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return { title, message: `Unexpected ${name}; see the server log.` };
}
