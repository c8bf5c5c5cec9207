/**
 * Sessions: the hot path, refresh under the lock, API calls, sign-out. Each slow path is the same
 * loop — load, restore the machine, send one event, let it run its effects, read the outcome —
 * with single-flight and the store's lock around it (`session-runner.ts`). The machine decides;
 * this file reports what happened.
 */
import {
  accessTokenFor,
  HhOAuthError,
  isHhOAuthError,
  type SessionRecord,
  supersedes,
  usableAccessToken,
} from '@hh-oauth/core';
import type { ApiRequestInit } from '@hh-oauth/http';
import type { StoredEntry } from '@hh-oauth/storage';
import { SingleFlight } from './lock.js';
import { bounded, type Runtime } from './runtime.js';
import { createSessionRunner, unavailable } from './session-runner.js';
import { storeFailure } from './store-ops.js';

export { unavailable } from './session-runner.js';

export function createSessions(rt: Runtime) {
  const flights = new SingleFlight<string>();
  const peek = rt.store.peek?.bind(rt.store);
  const { drive, held, locked, flushLater } = createSessionRunner(rt);

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
    const now = rt.clock.now();
    const usable = usableAccessToken(record, now);
    if (usable !== undefined) return usable;
    const result = accessTokenFor(record, now);
    if (result.ok) return result.accessToken;
    if (result.reason === 'expired') return refresh(sessionId, 'token.request');
    throw unavailable(record, result.reason);
  }

  /**
   * The hot path: one store read (synchronous where the store can: `peek`), a cached decode, one
   * comparison; no async layers of its own.
   */
  // The hot path reuses one key string per session id: a store's map hashes a string once.
  const hotKeys = new Map<string, string>();
  const keyOf = (sessionId: string): string => {
    let key = hotKeys.get(sessionId);
    if (key === undefined) {
      if (hotKeys.size >= 10_000) hotKeys.clear();
      key = rt.keys.session(sessionId);
      hotKeys.set(sessionId, key);
    }
    return key;
  };
  function getAccessToken(sessionId: string): Promise<string> {
    const key = keyOf(sessionId);
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

  function deleteSession(sessionId: string): Promise<boolean> {
    const key = rt.keys.session(sessionId);
    const work = locked(
      sessionId,
      async () => {
        held.delete(key);
        rt.codec.forget(key);
        return rt.ops.retrying(sessionId, Date.now() + rt.lock.ttlMs, () => rt.store.delete(key));
      },
      async () => undefined,
    );
    return bounded(rt, 'deleteSession', work);
  }

  return {
    deleteSession,
    drive,
    getAccessToken,
    fetch: apiFetch,
    refresh: explicitRefresh,
    session,
    revoke,
  };
}

export type Sessions = ReturnType<typeof createSessions>;
