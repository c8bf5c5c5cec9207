/**
 * The command line's own failures (no configuration, a port already taken, a sign-in that timed
 * out, …) as `HhOAuthError`s with core's stable codes, a `reason` naming the CLI case, and the hint
 * printed under the message. Exit codes are derived from `recovery`, so a script can tell "fix the
 * configuration" from "sign in again" from "try later" without parsing text.
 */
import { type ErrorCode, HhOAuthError, isHhOAuthError, type Recovery } from '@hh-oauth/core';

export type CliErrorReason =
  /** A setting the command needs is missing (client id, redirect URI, User-Agent). */
  | 'no_config'
  /** No client secret in the environment or the store, and no terminal to ask on. */
  | 'no_secret'
  /** The profile has no session: nobody signed in yet, or it was logged out. */
  | 'not_signed_in'
  /** The redirect URI's port is taken by another program. */
  | 'port_in_use'
  /** The redirect URI is not an http URL on this machine that `login` could listen on. */
  | 'cannot_listen'
  /** Nobody came back from the browser within the login timeout. */
  | 'login_timeout'
  /** The pasted URL is not a callback of this sign-in. */
  | 'bad_paste'
  /** The store key file is unreadable, malformed, or readable by others. */
  | 'bad_key'
  /** The config file cannot be read. */
  | 'bad_config'
  /** An argument does not make sense (an unknown config key, a malformed `-f`). */
  | 'usage'
  /** The user pressed Ctrl-C at a prompt. */
  | 'cancelled';

/** A failure of the command line itself, with the one thing to do about it. */
export class CliError extends HhOAuthError {
  override name = 'CliError';
  readonly reason: CliErrorReason;
  readonly hint: string;

  constructor(
    code: ErrorCode,
    reason: CliErrorReason,
    message: string,
    hint: string,
    options: { recovery?: Recovery; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.reason = reason;
    this.hint = hint;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, hint: this.hint };
  }
}

/**
 * Exit codes, stable for scripts (documented in the README):
 * 0 success, 1 unexpected failure, 2 usage, 3 fix the configuration, 4 sign in again, 5 try again
 * later, 6 hh.ru refused the request, 130 cancelled.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  configuration: 3,
  reauthorize: 4,
  retryLater: 5,
  refused: 6,
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error: by reason for the CLI's own, else by the error's `recovery`. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) {
    if (error.reason === 'usage') return EXIT.usage;
    if (error.reason === 'cancelled') return EXIT.cancelled;
  }
  if (!isHhOAuthError(error)) return EXIT.failure;
  switch (error.recovery) {
    case 'fix_configuration':
      return EXIT.configuration;
    case 'reauthorize':
      return EXIT.reauthorize;
    case 'retry_later':
    case 'reload':
    case 'refresh':
      return EXIT.retryLater;
    default:
      return error.name === 'ApiError' ? EXIT.refused : EXIT.failure;
  }
}
