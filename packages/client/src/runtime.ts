/**
 * What every part of the client shares: the options it was created with, resolved, plus the
 * helpers that wrap each effect (clock stamping, request events, deadlines).
 */
import { HhOAuthError, isHhOAuthError, type TokenSet } from '@hh-oauth/core';
import type { HttpTransport } from '@hh-oauth/http';
import type { TokenStore } from '@hh-oauth/storage';
import type { EventHub, RequestName } from './events.js';
import type { Keys } from './keys.js';
import type { LockSettings } from './lock.js';
import type { RecordCodec } from './records.js';
import type { StoreOps } from './store-ops.js';

export interface Runtime {
  readonly clientId: string;
  readonly store: TokenStore;
  readonly transport: HttpTransport;
  readonly clock: { now(): number };
  readonly keys: Keys;
  readonly lock: LockSettings;
  readonly ops: StoreOps;
  readonly codec: RecordCodec;
  readonly events: EventHub;
  readonly authorizationTtlMs: number;
  /** Every public call but the hot path settles within this many ms. */
  readonly timeoutMs: number;
}

/** How long a spent marker or a "requested at" mark may be retried: failing it loses nothing. */
export const MARK_BUDGET_MS = 2_000;

/**
 * Stamps a token set with the client's clock: every decision (expiry, retry times) is made on it,
 * and an injected transport may run on another clock.
 */
export function stamped(rt: Runtime, tokens: TokenSet): TokenSet {
  const obtainedAt = rt.clock.now();
  if (tokens.expiresAt === undefined) return { ...tokens, obtainedAt };
  return { ...tokens, obtainedAt, expiresAt: obtainedAt + (tokens.expiresAt - tokens.obtainedAt) };
}

/** Runs one request that leaves the process, reporting how long it took and how it ended. */
export async function timed<T>(
  rt: Runtime,
  request: RequestName,
  sessionId: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!rt.events.active) return run();
  const started = Date.now();
  try {
    const result = await run();
    rt.events.emit({
      type: 'request',
      request,
      sessionId,
      durationMs: Date.now() - started,
      outcome: 'ok',
    });
    return result;
  } catch (error) {
    const outcome = isHhOAuthError(error) ? error.code : 'network_error';
    rt.events.emit({
      type: 'request',
      request,
      sessionId,
      durationMs: Date.now() - started,
      outcome,
    });
    throw error;
  }
}

/**
 * Settles `work` within the client's `timeoutMs` with a typed `timeout`. The work itself goes on
 * (a pair being written keeps being written); only the caller stops waiting.
 */
export function bounded<T>(rt: Runtime, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HhOAuthError('timeout', `${what} did not settle within ${rt.timeoutMs} ms`, {
            recovery: 'retry_later',
          }),
        ),
      rt.timeoutMs,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
