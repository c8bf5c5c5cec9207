import {
  ConfigurationError,
  type HhOAuthError,
  isHhOAuthError,
  TransportError,
} from '../errors.js';
import type { RecordedError } from './types.js';

/** How a machine reacts to a failed effect. */
export type ErrorKind = 'transient' | 'not_sent' | 'not_expired' | 'reload' | 'too_early' | 'fatal';

/**
 * Any rejection as an `HhOAuthError`: a foreign error (a bug in a provided actor, a `TypeError`
 * from `fetch`) counts as a transient `network_error`, its original kept as `cause`.
 */
export function toHhOAuthError(error: unknown): HhOAuthError {
  if (isHhOAuthError(error)) return error;
  return new TransportError('network_error', 'the effect failed with a non-hh-oauth error', {
    cause: error,
  });
}

/** Sorts an effect's error into what the machines do about it. */
export function errorKind(error: HhOAuthError): ErrorKind {
  if (error.code === 'token_not_expired') return 'not_expired';
  // Never left this machine (connection refused): nothing was consumed, nothing is spent.
  if (error.sent === false && error.recovery === 'retry_later') return 'not_sent';
  if (error.code === 'app_token_too_early') return 'too_early';
  if (error.recovery === 'reload') return 'reload';
  if (error.recovery === 'retry_later') return 'transient';
  // 'reauthorize', 'fix_configuration', 'none', and 'refresh' (an effect cannot be told to refresh).
  return 'fatal';
}

export function recorded(error: HhOAuthError): RecordedError {
  return { code: error.code, message: error.message };
}

export function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The message of a default actor: the machine names its effects, the caller supplies them. */
export function notProvided(machine: string, actor: string): ConfigurationError {
  return new ConfigurationError(
    'invalid_argument',
    `${machine}: provide the ${actor} actor with .provide({ actors: { ${actor}: fromPromise(…) } })`,
  );
}
