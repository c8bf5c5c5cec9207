/**
 * Sessions: the hot path, refresh under the lock, API calls, sign-out. Each slow path is the same
 * loop — load, restore the machine, send one event, let it run its effects (the transport, and
 * `saveRecord` over the store), read the outcome — with single-flight and the store's lock around
 * it. The machine decides; this file moves records and reports what happened.
 */
import {
  accessTokenFor,
  HhOAuthError,
  isHhOAuthError,
  type SessionEvent,
  type SessionRecord,
  sessionMachine,
  supersedes,
  toRecord,
} from '@hh-oauth/core';
import type { ApiRequestInit } from '@hh-oauth/http';
import type { StoredEntry } from '@hh-oauth/storage';
import { fromPromise } from 'xstate';
import { SingleFlight, underLock } from './lock.js';
import { errorFromRecord } from './records.js';
import { runMachine } from './run-machine.js';
import { bounded, MARK_BUDGET_MS, type Runtime, stamped, timed } from './runtime.js';
import { type Holder, sessionReplaces, storeFailure } from './store-ops.js';

/** What the effects of one run left behind for the caller to report. */
interface Failures {
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

export function createSessions(rt: Runtime) {
  const flights = new SingleFlight<string>();
  const flushes = new SingleFlight<void>();
  /** Pairs hh.ru issued that the store could not take yet, by session key: handed out, written again. */
  const held = new Map<string, SessionRecord>();
  const peek = rt.store.peek?.bind(rt.store);

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

  /**
   * Refreshes under the store's lock. `trigger` is `token.request` (refresh if expired) or
   * `token.expired` (the API refused `usedToken` as expired: refresh even if our clock disagrees).
   */
  function refresh(
    sessionId: string,
    trigger: 'token.request' | 'token.expired',
    usedToken?: string,
  ): Promise<string> {
    const key = rt.keys.session(sessionId);
    const ready = (record: SessionRecord | undefined): string | undefined => {
      const result = record ? accessTokenFor(record, rt.clock.now()) : undefined;
      if (!result?.ok) return undefined;
      return trigger === 'token.expired' && result.accessToken === usedToken
        ? undefined
        : result.accessToken;
    };
    const work = () =>
      locked(
        sessionId,
        async (holder) => {
          const before = ready(holder.record);
          if (before !== undefined) return before; // another process refreshed while we waited
          if (holder.record?.status !== 'authorized') {
            throw unavailable(holder.record, holder.record?.status ?? 'missing');
          }
          const now = rt.clock.now();
          const { record, failures } = await drive(sessionId, holder, [{ type: trigger, now }]);
          const after = accessTokenFor(record, rt.clock.now());
          if (after.ok) return after.accessToken;
          if (failures.spendFailed && failures.save) {
            throw new HhOAuthError(
              failures.save.code,
              'the refresh token could not be marked spent in the store, so it was not sent',
              { sent: false, recovery: 'retry_later', cause: failures.save },
            );
          }
          if (
            record.status === 'authorized' &&
            record.tokens &&
            record.retryAt !== undefined &&
            record.retryAt > now
          ) {
            // hh.ru said `token not expired`: the access token is still good by its clock.
            return record.tokens.accessToken;
          }
          if (record.status === 'stale' || failures.save?.code === 'record_changed') {
            // `already refreshed`, or another writer's record stands: the winner's pair is in the
            // store, or the session really needs re-authorization.
            const theirs = ready((await rt.ops.loadSession(key)).record);
            if (theirs !== undefined) return theirs;
          }
          throw failures.last ?? failures.save ?? unavailable(record, record.status);
        },
        async () => {
          const { record } = await rt.ops.loadSession(key).catch(() => ({ record: undefined }));
          const theirs = ready(record);
          if (theirs !== undefined) return theirs;
          if (record !== undefined && record.status !== 'authorized' && record.status !== 'stale') {
            throw unavailable(record, record.status);
          }
          return undefined;
        },
      );
    // Callers rejected with different tokens must not share a flight: each needs a token other
    // than the one it was refused.
    return flights.run(`${trigger}:${sessionId}:${usedToken ?? ''}`, () =>
      bounded(rt, 'getAccessToken', work()),
    );
  }

  /** What a stored session yields: its access token, a refresh, or why there is none. */
  function tokenFrom(sessionId: string, key: string, entry: StoredEntry | undefined) {
    let record = rt.codec.sessionRecord(key, entry);
    if (held.size > 0) {
      const ours = held.get(key);
      if (ours !== undefined) {
        flushLater(sessionId);
        if (supersedes(ours, record)) record = ours;
      }
    }
    if (record === undefined) throw unavailable(undefined, 'missing');
    const result = accessTokenFor(record, rt.clock.now());
    if (result.ok) return result.accessToken;
    if (result.reason === 'expired') return refresh(sessionId, 'token.request');
    throw unavailable(record, result.reason);
  }

  /**
   * The hot path: one store read (synchronous where the store can: `peek`), a cached decode, one
   * comparison; no async layers of its own.
   */
  function getAccessToken(sessionId: string): Promise<string> {
    const key = rt.keys.session(sessionId);
    try {
      if (peek !== undefined) return Promise.resolve(tokenFrom(sessionId, key, peek(key)));
      return rt.store.get(key).then(
        (entry) => tokenFrom(sessionId, key, entry),
        (error: unknown) => {
          throw storeFailure(error);
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async function apiFetch<T>(sessionId: string, path: string, init?: ApiRequestInit): Promise<T> {
    const token = await getAccessToken(sessionId);
    try {
      return await rt.transport.api<T>(token, path, init);
    } catch (error) {
      if (!isHhOAuthError(error) || error.code !== 'token_expired') throw error;
      const next = await refresh(sessionId, 'token.expired', token);
      return rt.transport.api<T>(next, path, init);
    }
  }

  async function explicitRefresh(sessionId: string): Promise<string> {
    const key = rt.keys.session(sessionId);
    const record = held.get(key) ?? (await rt.ops.loadSession(key)).record;
    const result = record ? accessTokenFor(record, rt.clock.now()) : undefined;
    if (result?.ok && record?.tokens?.expiresAt !== undefined) {
      // The machine would not refresh before expiry (hh.ru refuses `token not expired`), so no
      // refresh token is ever spent on a refusal.
      throw new HhOAuthError(
        'token_not_expired',
        'hh.ru refreshes only after the access token has expired',
        { retryAt: record.tokens.expiresAt },
      );
    }
    return getAccessToken(sessionId);
  }

  async function session(sessionId: string): Promise<SessionRecord | undefined> {
    const key = rt.keys.session(sessionId);
    return held.get(key) ?? (await rt.ops.loadSession(key)).record;
  }

  function revoke(sessionId: string): Promise<void> {
    const key = rt.keys.session(sessionId);
    const work = locked(
      sessionId,
      async (holder) => {
        if (holder.record === undefined) return;
        // The machine refreshes an expired pair first (hh.ru invalidates only a valid access
        // token), and keeps the pair when hh.ru could not do it (5xx, never sent).
        const { record, failures } = await drive(sessionId, holder, [
          { type: 'session.revoke', now: rt.clock.now() },
        ]);
        if (record.status !== 'signedOut') {
          throw failures.last ?? failures.save ?? unavailable(record, record.status);
        }
        held.delete(key);
        rt.codec.forget(key);
        // Signed out here, but the store still holds the pair: say so, so that it is tried again.
        if (failures.save) throw failures.save;
      },
      async () => undefined,
    );
    return bounded(rt, 'revoke', work);
  }

  return {
    drive,
    getAccessToken,
    fetch: apiFetch,
    refresh: explicitRefresh,
    session,
    revoke,
  };
}

export type Sessions = ReturnType<typeof createSessions>;
