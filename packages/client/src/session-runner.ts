/**
 * The machinery under every session path: the session machine with its effects provided (the
 * transport, and `saveRecord` over the store), pairs held in memory while the store cannot take
 * them, and the lock with the record to work from. `sessions.ts` builds the public calls on it.
 */
import {
  HhOAuthError,
  isHhOAuthError,
  type SessionEvent,
  type SessionRecord,
  sessionMachine,
  supersedes,
  toRecord,
} from '@hh-oauth/core';
import { fromPromise } from 'xstate';
import { SingleFlight, underLock } from './lock.js';
import { errorFromRecord } from './records.js';
import { runMachine } from './run-machine.js';
import { MARK_BUDGET_MS, type Runtime, stamped, timed } from './runtime.js';
import { type Holder, sessionReplaces, storeFailure } from './store-ops.js';

/** What the effects of one run left behind for the caller to report. */
export interface Failures {
  /** The transport's last error. */
  last?: HhOAuthError;
  /** The last `saveRecord` failure, and whether it was the spent marker (nothing was sent). */
  save?: HhOAuthError;
  spendFailed?: boolean;
}

/** Why a session cannot hand out a token, as a typed error. */
export function unavailable(record: SessionRecord | undefined, reason: string): HhOAuthError {
  if (record?.error && (record.status === 'failed' || record.status === 'stale')) {
    // Stale after a reload found no newer pair: the refresh token was spent and its answer never
    // stored, so the user signs in again. (A holder paused past the lock's TTL that comes back
    // with a pair stores it over `stale`, and the next call finds it.)
    return errorFromRecord(record.error, { recovery: 'reauthorize' });
  }
  const why =
    record === undefined
      ? 'there is no such session'
      : `the session is ${reason.replace('_', ' ')}`;
  return new HhOAuthError('not_authorized', `${why}: authorize again`);
}

export function createSessionRunner(rt: Runtime) {
  const flushes = new SingleFlight<void>();
  /** Pairs hh.ru issued that the store could not take yet, by session key: handed out, written again. */
  const held = new Map<string, SessionRecord>();

  function actorsFor(
    sessionId: string,
    holder: Holder<SessionRecord>,
    failures: Failures,
    options: { signIn?: boolean } = {},
  ) {
    const key = rt.keys.session(sessionId);
    const keep = (error: unknown) => {
      if (isHhOAuthError(error)) failures.last = error;
      throw error;
    };
    return sessionMachine.provide({
      actors: {
        exchangeCode: fromPromise(({ input }) =>
          timed(rt, 'exchangeCode', sessionId, () => rt.transport.exchangeCode(input)).then(
            (tokens) => stamped(rt, tokens),
            keep,
          ),
        ),
        refreshTokens: fromPromise(({ input }) =>
          timed(rt, 'refreshTokens', sessionId, () => rt.transport.refreshTokens(input)).then(
            (tokens) => stamped(rt, tokens),
            keep,
          ),
        ),
        invalidateToken: fromPromise(({ input }) =>
          timed(rt, 'invalidateToken', sessionId, () => rt.transport.invalidateToken(input)).catch(
            keep,
          ),
        ),
        saveRecord: fromPromise(async ({ input }) => {
          const { record, purpose } = input;
          const newPair =
            purpose === 'settle' &&
            record.tokens !== undefined &&
            record.tokens.accessToken !== holder.record?.tokens?.accessToken;
          // A pair hh.ru issued is written until the lock would run out; a spent marker only
          // briefly, since failing it sends nothing and loses nothing.
          const budget =
            purpose === 'spend' ? Math.min(rt.lock.ttlMs, MARK_BUDGET_MS) : rt.lock.ttlMs;
          try {
            await rt.ops.save(
              key,
              sessionId,
              record,
              holder,
              Date.now() + budget,
              newPair ? sessionReplaces(record, options) : () => false,
            );
          } catch (error) {
            failures.save = storeFailure(error);
            failures.spendFailed = purpose === 'spend';
            throw failures.save;
          }
        }),
      },
    });
  }

  /** Runs the session machine from what `holder` holds through `events`. */
  async function drive(
    sessionId: string,
    holder: Holder<SessionRecord>,
    events: SessionEvent[],
    options: { signIn?: boolean; fresh?: boolean } = {},
  ) {
    const failures: Failures = {};
    const machine = actorsFor(sessionId, holder, failures, options);
    const start = options.fresh ? undefined : holder.record;
    const input = start
      ? { record: start, authorizationTtlMs: rt.authorizationTtlMs }
      : { authorizationTtlMs: rt.authorizationTtlMs };
    const snapshot = await runMachine(
      machine,
      input,
      events,
      rt.events.active
        ? (observed) =>
            rt.events.emit({ type: 'transition', machine: 'session', sessionId, ...observed })
        : undefined,
    );
    const record = toRecord(snapshot);
    const key = rt.keys.session(sessionId);
    if (snapshot.context.unsaved && record.status === 'authorized' && record.tokens) {
      // Never dropped: handed out from memory and written again (see `flush`).
      held.set(key, record);
      rt.events.emit({ type: 'pair.held', sessionId });
    } else if (!snapshot.context.unsaved) {
      held.delete(key);
    }
    return { snapshot, record, failures };
  }

  /** Writes a held pair now, under the lock; a newer stored record makes it unnecessary. */
  async function flushHeld(sessionId: string): Promise<void> {
    const key = rt.keys.session(sessionId);
    const ours = held.get(key);
    if (ours === undefined) return;
    try {
      const holder = await rt.ops.loadSession(key);
      if (supersedes(ours, holder.record)) {
        await rt.ops.save(
          key,
          sessionId,
          ours,
          holder,
          Date.now() + MARK_BUDGET_MS,
          sessionReplaces(ours),
        );
      }
      if (held.get(key) === ours) held.delete(key);
      rt.events.emit({ type: 'pair.stored', sessionId });
    } catch {
      // Still held: the next call tries again.
    }
  }

  /** Writes a held pair soon, under the lock, without holding up the caller. */
  function flushLater(sessionId: string): void {
    flushes
      .run(sessionId, () =>
        locked(
          sessionId,
          async () => {},
          async () => undefined,
        ),
      )
      .catch(() => {});
  }

  const lockReport = (sessionId: string) =>
    rt.events.active
      ? (outcome: 'acquired' | 'settled' | 'timeout' | 'lost', waitedMs: number) =>
          rt.events.emit({ type: 'lock', sessionId, waitedMs, outcome })
      : undefined;

  /**
   * Runs `work` under the session's lock with the record to work from: any held pair written
   * first, then loaded (a held pair that still supersedes the store's copy wins).
   */
  function locked<T>(
    sessionId: string,
    work: (holder: Holder<SessionRecord>) => Promise<T>,
    whileWaiting: () => Promise<T | undefined>,
  ): Promise<T> {
    return underLock(
      rt.store,
      rt.keys.sessionLock(sessionId),
      rt.lock,
      async () => {
        await flushHeld(sessionId);
        return work(await load(sessionId));
      },
      whileWaiting,
      lockReport(sessionId),
    );
  }

  /** The record this process works from: a held pair beats the store's older copy. */
  async function load(sessionId: string): Promise<Holder<SessionRecord>> {
    const key = rt.keys.session(sessionId);
    const holder = await rt.ops.retrying(sessionId, Date.now() + rt.lock.ttlMs, () =>
      rt.ops.loadSession(key),
    );
    const ours = held.get(key);
    return ours !== undefined && supersedes(ours, holder.record)
      ? { version: holder.version, record: ours }
      : holder;
  }

  return { drive, held, locked, flushLater };
}

export type SessionRunner = ReturnType<typeof createSessionRunner>;
