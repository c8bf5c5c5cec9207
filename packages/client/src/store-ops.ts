/**
 * The client's store operations, with one retry and deadline policy: a store error whose recovery
 * is `retry_later` (a blip, a timeout, a restart) is retried with backoff until the operation's
 * deadline; anything else, and the last failure, is thrown as a typed error. Compare-and-set
 * conflicts are decided by core's `supersedes`, never by "last writer wins".
 */
import {
  type AppTokenRecord,
  HhOAuthError,
  isHhOAuthError,
  type SessionRecord,
  supersedes,
} from '@hh-oauth/core';
import type { StoredEntry, TokenStore } from '@hh-oauth/storage';
import type { EventHub } from './events.js';
import type { RecordCodec } from './records.js';

/** The version a writer last saw, and the record it holds: what its next compare-and-set expects. */
export interface Holder<R> {
  version: number;
  record: R | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Any store failure as a typed error; a foreign one is not chained (it may quote a value). */
export function storeFailure(error: unknown): HhOAuthError {
  if (isHhOAuthError(error)) return error;
  return new HhOAuthError(
    'network_error',
    `the token store failed (${error instanceof Error ? error.name : typeof error})`,
  );
}

const retryable = (error: HhOAuthError) => error.recovery === 'retry_later';

export class StoreOps {
  constructor(
    private readonly store: TokenStore,
    private readonly codec: RecordCodec,
    private readonly events: EventHub,
    /** The TTL of a signed-out or failed session's record; others never expire. */
    private readonly endedSessionTtlMs?: number,
  ) {}

  /**
   * Runs `operation`, retrying `retry_later` failures with backoff (25 ms doubling to 1 s, with
   * jitter) while the next attempt can start before `deadline` (ms since the epoch, wall clock).
   */
  async retrying<T>(sessionId: string, deadline: number, operation: () => Promise<T>): Promise<T> {
    let pause = 25;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const failure = storeFailure(error);
        if (!retryable(failure) || Date.now() + pause > deadline) throw failure;
        this.events.emit({ type: 'store.retry', sessionId, attempt, cause: failure.code });
        await sleep(pause * (0.75 + Math.random() / 2));
        pause = Math.min(pause * 2, 1000);
      }
    }
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    try {
      return await this.store.get(key);
    } catch (error) {
      throw storeFailure(error);
    }
  }

  async loadSession(key: string): Promise<Holder<SessionRecord>> {
    const entry = await this.get(key);
    const { record, version } = this.codec.session(key, entry);
    return { record, version };
  }

  async loadApp(key: string): Promise<Holder<AppTokenRecord>> {
    const entry = await this.get(key);
    const { record, version } = this.codec.app(key, entry);
    return { record, version };
  }

  /**
   * Compare-and-sets `record` over what `holder` last saw, retrying store failures until
   * `deadline`. On a version conflict it reads what is there: after a failed attempt, finding its
   * own value means that attempt landed (its reply lost); otherwise `mayReplace(theirs)` decides whether to write over
   * it, else the save fails with `record_changed` (nothing written).
   */
  async save<R extends SessionRecord | AppTokenRecord>(
    key: string,
    sessionId: string,
    record: R,
    holder: Holder<R>,
    deadline: number,
    mayReplace: (theirs: R | undefined) => boolean,
  ): Promise<void> {
    const value = JSON.stringify(record);
    const ended =
      record.kind === 'session' && (record.status === 'signedOut' || record.status === 'failed');
    const setOptions = (expectedVersion: number) =>
      ended && this.endedSessionTtlMs !== undefined
        ? { expectedVersion, ttlMs: this.endedSessionTtlMs }
        : { expectedVersion };
    // Set once a write failed: it may have landed with its reply lost, so a conflict that finds
    // this very value is our own write. (Before that, an equal value is another writer's.)
    let uncertain = false;
    await this.retrying(sessionId, deadline, async () => {
      for (let conflicts = 0; conflicts < 8; conflicts++) {
        let written: number | undefined;
        try {
          written = await this.store.set(key, value, setOptions(holder.version));
        } catch (error) {
          uncertain = true;
          throw error;
        }
        if (written !== undefined) {
          holder.version = written;
          holder.record = record;
          return;
        }
        const entry = await this.store.get(key);
        if (uncertain && entry !== undefined && entry.value === value) {
          holder.version = entry.version;
          holder.record = record;
          return;
        }
        const theirs = (
          record.kind === 'session'
            ? this.codec.session(key, entry).record
            : this.codec.app(key, entry).record
        ) as R | undefined;
        if (!mayReplace(theirs)) {
          holder.version = entry?.version ?? 0;
          holder.record = theirs;
          throw new HhOAuthError(
            'record_changed',
            `the stored ${record.kind === 'session' ? 'session' : 'application token'} changed meanwhile; it was kept`,
          );
        }
        holder.version = entry?.version ?? 0;
      }
      throw new HhOAuthError(
        'record_changed',
        'the stored record kept changing while it was written',
      );
    });
  }
}

/** Session saves: a pair hh.ru just issued replaces what says less (see core's `supersedes`). */
export function sessionReplaces(ours: SessionRecord, options: { signIn?: boolean } = {}) {
  return (theirs: SessionRecord | undefined) => supersedes(ours, theirs, options);
}
