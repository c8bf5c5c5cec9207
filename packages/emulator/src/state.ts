import { timingSafeEqual } from '@hh-oauth/core/internal';
import { type Clock, createClock } from './clock.js';
import type { AccountChooser, AppReviewMode, BasicAuthPolicy, ConfigOptions } from './config.js';
import {
  DEFAULT_APP_REVIEW_LIMIT,
  DEFAULT_CODE_TTL_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_USER_AGENT_BLACKLIST,
} from './defaults.js';
import { EmulatorInputError } from './errors.js';
import type { Fault, FaultSpec } from './faults.js';
import { normalizeFault, takeFault } from './faults.js';
import { newClientCredential, newId } from './ids.js';
import type {
  App,
  AppAudience,
  AppDetails,
  AppReview,
  AppRole,
  AppToken,
  AuthorizationCode,
  Session,
  TokenStats,
  User,
  UserToken,
} from './model.js';
import { RequestLog } from './request-log.js';
import { appsOf, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, usersOf } from './seed.js';
import { normalizeRoute, type StubRoute } from './stub-routes.js';

export {
  APP_TOKEN_COOLDOWN_MS,
  DEFAULT_APP_REVIEW_LIMIT,
  DEFAULT_CODE_TTL_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  DEFAULT_USER_AGENT_BLACKLIST,
} from './defaults.js';

/**
 * What the state starts from, and returns to on every `reset`: TTLs, the clock's start, the
 * User-Agent blacklist, the seeded app (`app`), more apps and users, the account-chooser and
 * Basic-auth policies, stub routes and faults.
 */
export type StateOptions = Omit<ConfigOptions, 'port' | 'host' | 'allowedHosts'>;

export interface NewAppInput {
  name: string;
  description?: string;
  redirectUri: string;
  role?: AppRole;
  audience?: AppAudience;
  owner?: string;
  clientId?: string;
  clientSecret?: string;
  /** Default `successfully`. */
  review?: AppReview;
  details?: AppDetails;
}

/** The whole emulated hh.ru, in memory. Every method is synchronous. */
export class EmulatorState {
  readonly clock: Clock;
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  userAgentBlacklist: readonly string[];
  readonly accountChooser: AccountChooser;
  readonly basicAuth: BasicAuthPolicy;
  readonly appReview: AppReviewMode;
  readonly appReviewLimit: number;
  readonly seededApp: { clientId: string; clientSecret: string; redirectUri: string; name: string };

  readonly users = new Map<string, User>();
  readonly apps = new Map<string, App>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, UserToken>();
  readonly refreshTokens = new Map<string, UserToken>();
  readonly appTokens = new Map<string, AppToken>();
  /** clientId → the current (only valid) application token. */
  readonly currentAppToken = new Map<string, AppToken>();
  /** `${userId} ${clientId}` for every user who allowed an application. */
  readonly consents = new Set<string>();
  readonly sessions = new Map<string, Session>();
  faults: Fault[] = [];
  routes: StubRoute[] = [];
  readonly requestLog = new RequestLog();
  stats: { token: TokenStats } = { token: emptyStats() };

  readonly #options: StateOptions;

  constructor(options: StateOptions, defaultRedirectUri: string) {
    this.#options = options;
    const start = options.now instanceof Date ? options.now.getTime() : options.now;
    this.clock = createClock(start);
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.codeTtlSeconds = options.codeTtlSeconds ?? DEFAULT_CODE_TTL_SECONDS;
    this.userAgentBlacklist = options.userAgentBlacklist ?? DEFAULT_USER_AGENT_BLACKLIST;
    this.accountChooser = options.accountChooser ?? 'chooser';
    this.basicAuth = options.basicAuth ?? 'refuse';
    this.appReview = options.appReview ?? 'approve';
    this.appReviewLimit = options.appReviewLimit ?? DEFAULT_APP_REVIEW_LIMIT;
    this.seededApp = {
      clientId: options.app?.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: options.app?.clientSecret ?? DEFAULT_CLIENT_SECRET,
      redirectUri: options.app?.redirectUri ?? defaultRedirectUri,
      name: options.app?.name ?? 'Emulator test app',
    };
    this.reset();
  }

  /**
   * Back to the configured state: the seeded and configured users and apps, TTLs, clock,
   * User-Agent blacklist, stub routes and faults; no tokens, codes, sessions or other apps.
   */
  reset(): void {
    for (const map of [
      this.users,
      this.apps,
      this.codes,
      this.accessTokens,
      this.refreshTokens,
      this.appTokens,
      this.currentAppToken,
      this.sessions,
    ]) {
      map.clear();
    }
    this.consents.clear();
    this.requestLog.clear();
    this.faults = (this.#options.faults ?? []).map(normalizeFault);
    this.routes = (this.#options.routes ?? []).map(normalizeRoute);
    this.stats = { token: emptyStats() };
    this.clock.reset();
    this.tokenTtlSeconds = this.#options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    this.codeTtlSeconds = this.#options.codeTtlSeconds ?? DEFAULT_CODE_TTL_SECONDS;
    this.userAgentBlacklist = this.#options.userAgentBlacklist ?? DEFAULT_USER_AGENT_BLACKLIST;
    for (const user of usersOf(this.#options.users ?? [])) this.users.set(user.id, user);
    for (const app of appsOf(this.seededApp, this.#options.apps ?? [])) this.registerApp(app);
  }

  now(): number {
    return this.clock.now();
  }

  // Users -------------------------------------------------------------------------------------

  userByLogin(login: string): User | undefined {
    const wanted = login.trim().toLowerCase();
    for (const user of this.users.values()) if (user.login === wanted) return user;
    return undefined;
  }

  /** The user whose login and password match, compared in constant time. */
  checkCredentials(login: string, password: string): User | undefined {
    const user = this.userByLogin(login);
    return user && timingSafeEqual(user.password, password) ? user : undefined;
  }

  requireUser(login: string): User {
    const user = this.userByLogin(login);
    if (!user) throw new EmulatorInputError(`unknown user ${JSON.stringify(login)}`);
    return user;
  }

  /**
   * A password change deactivates every token and code issued before it: refresh answers
   * `token deactivated`, codes `code was revoke` (docs/hh-protocol.md, token endpoint errors).
   */
  changePassword(login: string, password: string): void {
    const user = this.requireUser(login);
    user.password = password;
    user.passwordVersion += 1;
    user.passwordInvalidated = false;
  }

  /** Revokes every token and unused code of the user (`token was revoked`, `code was revoke`). */
  revokeUserTokens(login: string): number {
    const user = this.requireUser(login);
    let count = 0;
    for (const token of this.accessTokens.values()) {
      if (token.userId === user.id && token.status === 'active') {
        token.status = 'revoked';
        count++;
      }
    }
    for (const code of this.codes.values()) {
      if (code.userId === user.id && !code.used) code.revoked = true;
    }
    return count;
  }

  // Applications ------------------------------------------------------------------------------

  registerApp(input: NewAppInput): App {
    const clientId = input.clientId ?? newClientCredential();
    if (this.apps.has(clientId)) {
      throw new EmulatorInputError('an application with this client id exists');
    }
    const app: App = {
      clientId,
      clientSecret: input.clientSecret ?? newClientCredential(),
      name: input.name,
      description: input.description ?? '',
      redirectUri: input.redirectUri,
      role: input.role ?? 'employer_and_applicant',
      audience: input.audience ?? 'any_user',
      owner: input.owner,
      createdAt: this.now(),
      review: input.review ?? 'successfully',
      details: input.details,
    };
    this.apps.set(clientId, app);
    return app;
  }

  /** An application that may obtain tokens: it exists and is approved (`successfully`). */
  approvedApp(clientId: string): App | undefined {
    const app = this.apps.get(clientId);
    return app?.review === 'successfully' ? app : undefined;
  }

  /**
   * Removes an application forever. Its records stay, so its tokens are recognized and answered
   * with `application_not_found` (docs/hh-protocol.md, developer console).
   */
  deleteApp(clientId: string): boolean {
    this.currentAppToken.delete(clientId);
    return this.apps.delete(clientId);
  }

  // Codes and consent -------------------------------------------------------------------------

  hasConsent(userId: string, clientId: string): boolean {
    return this.consents.has(`${userId} ${clientId}`);
  }

  /** Records the user's consent and issues a code, as after "Allow" on the consent page. */
  issueCode(clientId: string, user: User, redirectUri: string | undefined): AuthorizationCode {
    this.consents.add(`${user.id} ${clientId}`);
    const code: AuthorizationCode = {
      value: newId('code'),
      clientId,
      userId: user.id,
      redirectUri,
      expiresAt: this.now() + this.codeTtlSeconds * 1000,
      passwordVersion: user.passwordVersion,
      used: false,
      revoked: false,
    };
    this.codes.set(code.value, code);
    return code;
  }

  // Tokens ------------------------------------------------------------------------------------

  issueUserToken(clientId: string, userId: string, passwordVersion: number): UserToken {
    const token: UserToken = {
      accessToken: newId('access'),
      refreshToken: newId('refresh'),
      clientId,
      userId,
      expiresAt: this.now() + this.tokenTtlSeconds * 1000,
      passwordVersion,
      status: 'active',
    };
    this.accessTokens.set(token.accessToken, token);
    this.refreshTokens.set(token.refreshToken, token);
    return token;
  }

  /** A new application token deactivates the previous one (docs/hh-protocol.md §3). */
  issueAppToken(clientId: string): AppToken {
    const token: AppToken = { value: newId('app'), clientId, issuedAt: this.now() };
    this.appTokens.set(token.value, token);
    this.currentAppToken.set(clientId, token);
    return token;
  }

  // Sessions ----------------------------------------------------------------------------------

  session(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.sessions.get(id);
  }

  newSession(): Session {
    const session: Session = { id: newId('session'), csrf: newId('csrf'), userId: undefined };
    this.sessions.set(session.id, session);
    return session;
  }

  // Faults ------------------------------------------------------------------------------------

  addFault(spec: FaultSpec): Fault {
    const fault = normalizeFault(spec);
    this.faults.push(fault);
    return fault;
  }

  /** Takes one use of the first fault matching the request, if any. */
  takeFault(method: string, path: string): Fault | undefined {
    return takeFault(this.faults, method, path);
  }
}

function emptyStats(): TokenStats {
  return { authorization_code: 0, refresh_token: 0, client_credentials: 0, other: 0 };
}
