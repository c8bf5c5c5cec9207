/**
 * The application token (RFC 6749 §4.4), shared through the store: hh.ru deactivates the previous
 * one whenever a new one is issued and issues at most one per 5 minutes, so every instance uses
 * the one stored, and "requested at T" is stored before a request leaves (the machine's
 * `marking`), so that no process asks again within the cool-down whatever happens to the lock.
 */
import {
  APP_TOKEN_COOLDOWN_MS,
  type AppTokenRecord,
  accessTokenFor,
  appTokenMachine,
  HhOAuthError,
  isHhOAuthError,
  toAppTokenRecord,
} from '@hh-oauth/core';
import type { ApiRequestInit } from '@hh-oauth/http';
import { fromPromise } from 'xstate';
import { SingleFlight, underLock } from './lock.js';
import { errorFromRecord } from './records.js';
import { runMachine } from './run-machine.js';
import { bounded, MARK_BUDGET_MS, type Runtime, stamped, timed } from './runtime.js';
import { type Holder, storeFailure } from './store-ops.js';

const APP = 'app';

function appUnavailable(record: AppTokenRecord | undefined, reason: string, retryAt?: number) {
  if (reason === 'cooling_down') {
    return new HhOAuthError(
      'app_token_too_early',
      'hh.ru issues a new application token at most once per 5 minutes',
      retryAt === undefined ? {} : { retryAt },
    );
  }
  if (record?.error) return errorFromRecord(record.error);
  return new HhOAuthError('not_authorized', `no application token (${reason})`);
}

/** A token this process received replaces the stored record unless that holds a later one. */
const laterThan = (ours: AppTokenRecord) => (theirs: AppTokenRecord | undefined) =>
  !(
    theirs?.status === 'active' &&
    theirs.token !== undefined &&
    ours.token !== undefined &&
    theirs.token.obtainedAt > ours.token.obtainedAt
  );

export function createAppToken(rt: Runtime) {
  const flights = new SingleFlight<string>();
  /** A token hh.ru issued that the store could not take yet. */
  let held: AppTokenRecord | undefined;

  async function load(): Promise<Holder<AppTokenRecord>> {
    const holder = await rt.ops.loadApp(rt.keys.app);
    if (held !== undefined && laterThan(held)(holder.record)) {
      return { version: holder.version, record: held };
    }
    return holder;
  }

  function request(invalid?: { token: string; code: 'bad_authorization' | 'token_revoked' }) {
    const usable = (record: AppTokenRecord | undefined) => {
      const result = record ? accessTokenFor(record, rt.clock.now()) : undefined;
      return result?.ok && result.accessToken !== invalid?.token ? result.accessToken : undefined;
    };
    const work = () =>
      underLock(
        rt.store,
        rt.keys.appLock,
        rt.lock,
        async () => {
          const holder = await load();
          const current = usable(holder.record);
          if (current !== undefined) return current;
          const failures: { last?: HhOAuthError; save?: HhOAuthError; markFailed?: boolean } = {};
          const machine = appTokenMachine.provide({
            actors: {
              requestAppToken: fromPromise(() =>
                timed(rt, 'requestAppToken', APP, () => rt.transport.requestAppToken()).then(
                  (tokens) => stamped(rt, tokens),
                  (error: unknown) => {
                    if (isHhOAuthError(error)) failures.last = error;
                    throw error;
                  },
                ),
              ),
              saveRecord: fromPromise(async ({ input }) => {
                const { record, purpose } = input;
                const newToken =
                  purpose === 'settle' &&
                  record.token !== undefined &&
                  record.token.accessToken !== holder.record?.token?.accessToken;
                const budget = purpose === 'mark' ? MARK_BUDGET_MS : rt.lock.ttlMs;
                try {
                  await rt.ops.save(
                    rt.keys.app,
                    APP,
                    record,
                    holder,
                    Date.now() + budget,
                    newToken ? laterThan(record) : () => false,
                  );
                } catch (error) {
                  failures.save = storeFailure(error);
                  failures.markFailed = purpose === 'mark';
                  throw failures.save;
                }
              }),
            },
          });
          const now = rt.clock.now();
          const events = [
            // A failed record (bad client id or secret) is retried once the caller asks again: the
            // configuration may have been fixed. The 5-minute rule still applies.
            ...(holder.record?.status === 'failed' ? [{ type: 'app.reset' as const, now }] : []),
            invalid
              ? { type: 'app.invalid' as const, now, code: invalid.code }
              : { type: 'app.request' as const, now },
          ];
          const snapshot = await runMachine(
            machine,
            holder.record ? { record: holder.record } : {},
            events,
            rt.events.active
              ? (observed) =>
                  rt.events.emit({
                    type: 'transition',
                    machine: 'app',
                    sessionId: APP,
                    ...observed,
                  })
              : undefined,
          );
          const record = toAppTokenRecord(snapshot);
          if (snapshot.context.unsaved && record.status === 'active') {
            held = record;
            rt.events.emit({ type: 'pair.held', sessionId: APP });
          } else if (!snapshot.context.unsaved) {
            held = undefined;
          }
          const result = accessTokenFor(record, rt.clock.now());
          if (result.ok) return result.accessToken;
          if (failures.markFailed && failures.save) {
            if (failures.save.code === 'record_changed') {
              // Another process marked (or stored) first: use its token, or wait out its cool-down.
              const theirs = (await rt.ops.loadApp(rt.keys.app)).record;
              const token = usable(theirs);
              if (token !== undefined) return token;
              const retry = theirs ? accessTokenFor(theirs, rt.clock.now()) : undefined;
              if (retry && !retry.ok && retry.reason === 'cooling_down') {
                throw appUnavailable(theirs, 'cooling_down', retry.retryAt);
              }
            }
            throw new HhOAuthError(
              failures.save.code,
              'the application token request could not be recorded in the store, so it was not sent',
              { sent: false, recovery: 'retry_later', cause: failures.save },
            );
          }
          // A cool-down is reported with its retry time, whichever side (we or hh.ru) imposed it.
          if (result.reason === 'cooling_down') {
            throw appUnavailable(record, result.reason, result.retryAt);
          }
          throw failures.last ?? failures.save ?? appUnavailable(record, result.reason);
        },
        async () =>
          usable((await rt.ops.loadApp(rt.keys.app).catch(() => ({ record: undefined }))).record),
      );
    return flights.run(`app:${invalid?.token ?? ''}`, () => bounded(rt, 'getAppToken', work()));
  }

  async function getAppToken(): Promise<string> {
    const { record } = await load();
    if (record) {
      const now = rt.clock.now();
      const result = accessTokenFor(record, now);
      if (result.ok) return result.accessToken;
      // Failed (e.g. a wrong secret): the recorded error until the 5-minute rule allows a new try.
      if (
        record.status === 'failed' &&
        (record.lastRequestAt ?? Number.NEGATIVE_INFINITY) + APP_TOKEN_COOLDOWN_MS > now
      ) {
        throw appUnavailable(record, 'failed');
      }
      // Cooling down: another process may be asking right now; its answer ends the wait, and if
      // nobody holds the lock the machine reports the cool-down with its retry time.
    }
    return request();
  }

  async function appFetch<T>(path: string, init?: ApiRequestInit): Promise<T> {
    const token = await getAppToken();
    try {
      return await rt.transport.api<T>(token, path, init);
    } catch (error) {
      if (
        !isHhOAuthError(error) ||
        (error.code !== 'bad_authorization' && error.code !== 'token_revoked')
      ) {
        throw error;
      }
      const next = await request({ token, code: error.code });
      return rt.transport.api<T>(next, path, init);
    }
  }

  return {
    getAppToken,
    appFetch,
    appToken: async () => (await load()).record,
  };
}
