import {
  type AppTokenRecord,
  CallbackError,
  fromAppTokenRecord,
  fromPendingRecord,
  fromRecord,
  HhOAuthError,
  type PendingAuthorizationRecord,
  type RecordedError,
  type Recovery,
  type SessionRecord,
} from '@hh-oauth/core';
import type { StoredEntry } from '@hh-oauth/storage';

/** A stored error as a typed one again (its message without the prefix the new error adds). */
export function errorFromRecord(
  error: RecordedError,
  options: { recovery?: Recovery } = {},
): HhOAuthError {
  return new HhOAuthError(error.code, error.message.replace(/^\[hh-oauth\] /, ''), options);
}

/** A pending authorization as stored under `pending:<state>`, consumed once by the callback. */
export type PendingRecord = PendingAuthorizationRecord;

/**
 * Reads a consumed pending authorization with core's strict reader. A record that cannot be read
 * is a typed error: the callback cannot be completed, the user signs in again.
 */
export function decodePending(value: string): PendingRecord {
  try {
    return fromPendingRecord(JSON.parse(value));
  } catch {
    // Not chained: JSON.parse's message quotes the text, which holds the state.
    throw new CallbackError(
      'invalid_callback',
      'the stored pending authorization cannot be read; sign in again',
    );
  }
}

export interface Loaded<R> {
  readonly record: R | undefined;
  /** The store's version; 0 when absent (the compare-and-set value that creates it). */
  readonly version: number;
}

const MAX_CACHED = 10_000;

/**
 * Decodes stored JSON records, validating them once per stored value: the hot path re-reads the
 * same string over and over, and comparing it is much cheaper than parsing and validating again.
 */
export class RecordCodec {
  readonly #cache = new Map<string, { value: string; record: SessionRecord | AppTokenRecord }>();

  /** The hot path's decode: the record alone, no wrapper. */
  sessionRecord(key: string, entry: StoredEntry | undefined): SessionRecord | undefined {
    return entry === undefined ? undefined : (this.#decode(key, entry, 'session') as SessionRecord);
  }

  session(key: string, entry: StoredEntry | undefined): Loaded<SessionRecord> {
    if (entry === undefined) return { record: undefined, version: 0 };
    return { record: this.#decode(key, entry, 'session') as SessionRecord, version: entry.version };
  }

  app(key: string, entry: StoredEntry | undefined): Loaded<AppTokenRecord> {
    if (entry === undefined) return { record: undefined, version: 0 };
    return { record: this.#decode(key, entry, 'app') as AppTokenRecord, version: entry.version };
  }

  forget(key: string): void {
    this.#cache.delete(key);
  }

  #decode(
    key: string,
    entry: StoredEntry,
    kind: 'session' | 'app',
  ): SessionRecord | AppTokenRecord {
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.value === entry.value) return cached.record;
    let json: unknown;
    try {
      json = JSON.parse(entry.value);
    } catch {
      // Not chained: JSON.parse's message quotes the start of the text, which may be a token.
      throw new HhOAuthError('invalid_response', `the stored ${kind} record is not JSON`, {
        recovery: 'reauthorize',
      });
    }
    const record = kind === 'session' ? fromRecord(json).record : fromAppTokenRecord(json).record;
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(key, { value: entry.value, record });
    return record;
  }
}
