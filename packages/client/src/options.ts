import { ConfigurationError, DEFAULT_AUTHORIZATION_TTL_MS, parseRedirectUri } from '@hh-oauth/core';
import type { HttpTransport } from '@hh-oauth/http';
import type { TokenStore } from '@hh-oauth/storage';
import type { LockSettings } from './lock.js';

export interface HhOAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Sent to `/oauth/authorize` (and then, byte for byte, to the token endpoint) unless
   * `startAuthorization` names another. Absent: none is sent and hh.ru uses the saved one.
   */
  readonly redirectUri?: string;
  /** `MyApp/1.0 (my-app-feedback@example.com)`; hh.ru refuses requests without one. */
  readonly userAgent: string;
  readonly store: TokenStore;
  /** A ready transport; otherwise one is created from the base URLs below. */
  readonly transport?: HttpTransport;
  /** Default `https://hh.ru` (the token endpoint and, unless `authorizeUrl` is set, the authorize page). */
  readonly oauthBaseUrl?: string;
  /** Default `https://api.hh.ru`. */
  readonly apiBaseUrl?: string;
  /** Default `${oauthBaseUrl}/oauth/authorize`. */
  readonly authorizeUrl?: string;
  /** The clock every decision uses (expiry, TTLs, cool-downs). Default `Date`. */
  readonly clock?: { now(): number };
  /** How long a started authorization waits for its callback. Default 10 minutes. */
  readonly authorizationTtlMs?: number;
  /** The cross-process refresh lock. Defaults: ttlMs 30 s (renewed while held), waitMs 35 s, pollMs 25 ms. */
  readonly lock?: Partial<LockSettings>;
  /**
   * How long the record of a signed-out or failed session stays in the store, in ms: it is
   * written with this TTL, so the store itself drops it (Redis key expiry, the PostgreSQL
   * store's sweep, the file and memory stores on read). Records of live sessions never expire.
   * Default 30 days.
   */
  readonly endedSessionTtlMs?: number;
  /** Prefix of every key this client writes. Default `hh-oauth:`. */
  readonly keyPrefix?: string;
  /**
   * Every public call settles within this bound with a typed error (`timeout`, `retry_later`),
   * except `getAccessToken` on a valid token, which is one store read bounded by the store's own
   * timeout. Default `lock.waitMs + lock.ttlMs` (65 s with the default lock).
   */
  readonly timeoutMs?: number;
}

export function checkRedirectUri(redirectUri: string): void {
  const parsed = parseRedirectUri(redirectUri);
  if (!parsed.ok) {
    throw new ConfigurationError('invalid_redirect_uri', `redirectUri ${parsed.message}`);
  }
}

const positive = (value: number | undefined, what: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(
      'invalid_argument',
      `createHhOAuth: ${what} must be a positive number`,
    );
  }
  return value;
};

/** Validates the options that have no sensible default; fills in the rest. */
export function resolveOptions(options: HhOAuthOptions, defaultLock: LockSettings) {
  const { clientId, clientSecret, store } = options ?? ({} as HhOAuthOptions);
  if (typeof clientId !== 'string' || clientId === '') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: clientId is required');
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: clientSecret is required');
  }
  if (!store || typeof store.get !== 'function') {
    throw new ConfigurationError('invalid_argument', 'createHhOAuth: store is required');
  }
  if (options.redirectUri !== undefined) checkRedirectUri(options.redirectUri);
  const lock: LockSettings = {
    ttlMs: positive(options.lock?.ttlMs, 'lock.ttlMs', defaultLock.ttlMs),
    waitMs: positive(options.lock?.waitMs, 'lock.waitMs', defaultLock.waitMs),
    pollMs: positive(options.lock?.pollMs, 'lock.pollMs', defaultLock.pollMs),
  };
  const oauthBaseUrl = options.oauthBaseUrl ?? 'https://hh.ru';
  return {
    clientId,
    clientSecret,
    store,
    lock,
    oauthBaseUrl,
    apiBaseUrl: options.apiBaseUrl ?? 'https://api.hh.ru',
    authorizeUrl: options.authorizeUrl ?? `${oauthBaseUrl.replace(/\/+$/, '')}/oauth/authorize`,
    clock: options.clock ?? Date,
    authorizationTtlMs: positive(
      options.authorizationTtlMs,
      'authorizationTtlMs',
      DEFAULT_AUTHORIZATION_TTL_MS,
    ),
    keyPrefix: options.keyPrefix ?? 'hh-oauth:',
    endedSessionTtlMs: positive(options.endedSessionTtlMs, 'endedSessionTtlMs', 30 * 86_400_000),
    timeoutMs: positive(options.timeoutMs, 'timeoutMs', lock.waitMs + lock.ttlMs),
  };
}
