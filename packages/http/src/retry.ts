import type { RetryOptions as KyRetryOptions } from 'ky';
import { blockedPort, refusedBeforeSending } from './failure.js';
import type { RetryOptions } from './options.js';

type Policy = Required<RetryOptions>;

/** Methods an API call may repeat: no side effect (RFC 9110 §9.2.2; PUT and DELETE are left out on purpose). */
export const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Answers an idempotent API call is retried on. */
export function retriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The backoff before retry number `retryCount` (1-based), as ky computes it with the options of
 * {@link sendOnceRetry}: `baseDelayMs × 2^(retryCount−1)`, full jitter, at most `maxDelayMs`.
 */
export function backoffMs(policy: Policy, retryCount: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryCount - 1) * Math.random());
}

/**
 * ky's retry options for a request that must reach hh.ru at most once: a token grant (its code or
 * refresh token is single-use, the app token is rate-limited) and `DELETE /oauth/token` (a
 * repeat of a lost success answers as if it had failed). Only a connection refused before sending
 * is retried — `shouldRetry` takes precedence over ky's status and method checks, and no HTTP
 * answer reaches it since these requests run with `throwHttpErrors: false`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.5 RFC 6749 §10.5: codes are single-use
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6 RFC 6749 §6: a refresh may invalidate the old token
 */
export function sendOnceRetry(policy: Policy): KyRetryOptions {
  return {
    limit: policy.tokenConnectLimit,
    methods: ['post', 'delete'],
    shouldRetry: ({ error }) => refusedBeforeSending(error) && !blockedPort(error),
    delay: (retryCount) => policy.baseDelayMs * 2 ** (retryCount - 1),
    backoffLimit: policy.maxDelayMs,
    jitter: true,
  };
}
