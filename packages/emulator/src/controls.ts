/**
 * The test controls: typed methods over the emulator's state. `/__emulator/*` exposes the same
 * methods as JSON (see README.md), so a test in another process can do what a test holding the
 * object can.
 */
import { parseRedirectUri, validateRedirectUri } from '@hh-oauth/core';
import { EmulatorInputError } from './errors.js';
import { describeFault, type FaultSpec } from './faults.js';
import { MAX_SECONDS, MAX_TIME_MS } from './limits.js';
import type { AppAudience, AppReview, AppRole, TokenStats } from './model.js';

export const APP_REVIEWS: readonly AppReview[] = ['processing', 'rejected', 'successfully', 'fill'];

import type { RequestLogEntry, RequestLogFilter } from './request-log.js';
import type { EmulatorState } from './state.js';
import { describeRoute, normalizeRoute, type StubRouteSpec } from './stub-routes.js';

export interface UserFlags {
  /** `account is locked` at the token endpoint; the sign-in form refuses too. */
  locked?: boolean;
  /** false: `login not verified` at the token endpoint. */
  verified?: boolean;
  /** `password invalidated` at the token endpoint; the sign-in form refuses too. */
  passwordInvalidated?: boolean;
  /** `login not allowed` at the token endpoint (code and refresh grants). */
  loginNotAllowed?: boolean;
}

export interface RegisteredApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly name: string;
}

export interface RegisterAppInput {
  name?: string;
  description?: string;
  redirectUri: string;
  role?: AppRole;
  audience?: AppAudience;
  clientId?: string;
  clientSecret?: string;
}

export interface EmulatorStats {
  /** Every request that reached the token endpoint, by grant_type, whatever its outcome. */
  readonly token: Readonly<TokenStats>;
}

export interface EmulatorControls {
  /** The simulated time, in ms since the epoch. */
  now(): number;
  /** Moves the simulated clock by `seconds`; returns the new time (ms). */
  advanceClock(seconds: number): number;
  /** Sets the simulated clock to `ms` since the epoch; returns it. */
  setClock(ms: number): number;
  /**
   * A code as if `login` signed in and allowed `clientId`; `redirectUri` as if sent to
   * `/oauth/authorize` (it is then required, byte for byte, at the token endpoint).
   */
  issueCode(input: { clientId: string; login: string; redirectUri?: string }): string;
  stats(): EmulatorStats;
  /**
   * Back to the configured state (seeded and configured users and apps, TTLs, clock, user-agent
   * list, configured routes and faults); all else gone.
   */
  reset(): void;
  setTtl(ttl: { tokenTtlSeconds?: number; codeTtlSeconds?: number }): {
    tokenTtlSeconds: number;
    codeTtlSeconds: number;
  };
  /** Changes a password: older tokens answer `token deactivated`, older codes `code was revoke`. */
  changePassword(login: string, password: string): void;
  setUserFlags(login: string, flags: UserFlags): Required<UserFlags>;
  lockUser(login: string): void;
  unlockUser(login: string): void;
  markUnverified(login: string): void;
  invalidatePassword(login: string): void;
  /** Revokes the user's tokens (`token was revoked`, API `token_revoked`) and unused codes. */
  revokeTokens(login: string): number;
  addFault(spec: FaultSpec): void;
  faults(): Record<string, unknown>[];
  clearFaults(): void;
  setUserAgentBlacklist(values: readonly string[]): void;
  userAgentBlacklist(): readonly string[];
  registerApp(input: RegisterAppInput): RegisteredApp;
  /** Removes an app forever: its tokens then get `application_not_found`. */
  deleteApp(clientId: string): boolean;
  /**
   * Sets an application's review status (`processing`, `rejected`, `successfully`, `fill`); only
   * `successfully` may obtain tokens.
   */
  setAppReview(clientId: string, review: AppReview): AppReview;
  /** The application's current app token, as the developer console shows it. */
  appToken(clientId: string): string | undefined;
  /** Registers a canned API answer (see `StubRouteSpec`); a route for the same method and path replaces it. */
  addRoute(spec: StubRouteSpec): void;
  routes(): ReturnType<typeof describeRoute>[];
  clearRoutes(): void;
  /** The request log (secrets redacted), oldest first, filtered. */
  requests(filter?: RequestLogFilter): RequestLogEntry[];
  clearRequests(): void;
}

const isPositive = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= MAX_SECONDS;

const isTime = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS;

export function createControls(state: EmulatorState): EmulatorControls {
  const flags = (login: string, changes: UserFlags): Required<UserFlags> => {
    const user = state.requireUser(login);
    if (changes.locked !== undefined) user.locked = changes.locked;
    if (changes.verified !== undefined) user.verified = changes.verified;
    if (changes.passwordInvalidated !== undefined) {
      user.passwordInvalidated = changes.passwordInvalidated;
    }
    if (changes.loginNotAllowed !== undefined) user.loginNotAllowed = changes.loginNotAllowed;
    return {
      locked: user.locked,
      verified: user.verified,
      passwordInvalidated: user.passwordInvalidated,
      loginNotAllowed: user.loginNotAllowed,
    };
  };

  return {
    now: () => state.now(),
    advanceClock(seconds) {
      if (
        typeof seconds !== 'number' ||
        !Number.isFinite(seconds) ||
        Math.abs(seconds) > MAX_SECONDS
      ) {
        throw new EmulatorInputError(
          `advanceSeconds must be a number of seconds from -${MAX_SECONDS} to ${MAX_SECONDS} (100 years)`,
        );
      }
      if (!isTime(state.now() + seconds * 1000)) {
        throw new EmulatorInputError(
          'advanceSeconds would move the clock outside the range of a Date',
        );
      }
      return state.clock.advance(seconds);
    },
    setClock(ms) {
      if (typeof ms !== 'number' || !isTime(ms)) {
        throw new EmulatorInputError(
          `now must be a number of ms since the epoch, from 0 to ${MAX_TIME_MS}`,
        );
      }
      return state.clock.set(ms);
    },
    issueCode({ clientId, login, redirectUri }) {
      const app = state.apps.get(clientId);
      if (!app) throw new EmulatorInputError('unknown clientId');
      if (redirectUri !== undefined) {
        const verdict = validateRedirectUri(app.redirectUri, redirectUri);
        if (!verdict.ok) throw new EmulatorInputError(verdict.message);
      }
      return state.issueCode(clientId, state.requireUser(login), redirectUri).value;
    },
    stats: () => ({ token: { ...state.stats.token } }),
    reset: () => state.reset(),
    setTtl({ tokenTtlSeconds, codeTtlSeconds }) {
      for (const value of [tokenTtlSeconds, codeTtlSeconds]) {
        if (value !== undefined && !isPositive(value)) {
          throw new EmulatorInputError(
            `TTLs must be positive numbers of seconds, at most ${MAX_SECONDS} (100 years)`,
          );
        }
      }
      if (tokenTtlSeconds !== undefined) state.tokenTtlSeconds = tokenTtlSeconds;
      if (codeTtlSeconds !== undefined) state.codeTtlSeconds = codeTtlSeconds;
      return { tokenTtlSeconds: state.tokenTtlSeconds, codeTtlSeconds: state.codeTtlSeconds };
    },
    changePassword(login, password) {
      if (typeof password !== 'string' || password === '') {
        throw new EmulatorInputError('password must be a non-empty string');
      }
      state.changePassword(login, password);
    },
    setUserFlags: flags,
    lockUser: (login) => void flags(login, { locked: true }),
    unlockUser: (login) => void flags(login, { locked: false }),
    markUnverified: (login) => void flags(login, { verified: false }),
    invalidatePassword: (login) => void flags(login, { passwordInvalidated: true }),
    revokeTokens: (login) => state.revokeUserTokens(login),
    addFault: (spec) => void state.addFault(spec),
    faults: () => state.faults.map(describeFault),
    clearFaults() {
      state.faults = [];
    },
    setUserAgentBlacklist(values) {
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string' || v === '')) {
        throw new EmulatorInputError('values must be an array of non-empty strings');
      }
      state.userAgentBlacklist = [...values];
    },
    userAgentBlacklist: () => state.userAgentBlacklist,
    registerApp(input) {
      const parsed = parseRedirectUri(input.redirectUri);
      if (!parsed.ok) throw new EmulatorInputError(`redirectUri ${parsed.message}`);
      const app = state.registerApp({ ...input, name: input.name ?? 'Test application' });
      const { clientId, clientSecret, redirectUri, name } = app;
      return { clientId, clientSecret, redirectUri, name };
    },
    deleteApp: (clientId) => state.deleteApp(clientId),
    appToken: (clientId) => state.currentAppToken.get(clientId)?.value,
    setAppReview(clientId, review) {
      const app = state.apps.get(clientId);
      if (!app) throw new EmulatorInputError('unknown clientId');
      if (!APP_REVIEWS.includes(review)) {
        throw new EmulatorInputError(`status must be one of ${APP_REVIEWS.join(', ')}`);
      }
      app.review = review;
      return review;
    },
    addRoute(spec) {
      const route = normalizeRoute(spec);
      state.routes = state.routes.filter((r) => r.method !== route.method || r.path !== route.path);
      state.routes.push(route);
    },
    routes: () => state.routes.map(describeRoute),
    clearRoutes() {
      state.routes = [];
    },
    requests: (filter) => state.requestLog.list(filter),
    clearRequests: () => state.requestLog.clear(),
  };
}
