import type { HttpAnswer } from '../arbitraries/answers.js';

/**
 * A reference model of hh.ru's OAuth server rules (docs/hh-protocol.md §1, §2, §4, §5), in memory and
 * by its own clock. It is the oracle of the model-based harness, not an emulator: no HTTP, no
 * pages, just the rules, answering `{ status, body }` exactly as hh.ru documents them.
 */
export interface HhModelOptions {
  /** `expires_in` of user pairs, in seconds (hh.ru: 14 days). */
  readonly expiresInSeconds?: number;
  /** How long an authorization code lives, by hh.ru's clock (ms). */
  readonly codeTtlMs?: number;
}

/** A fault the next token-endpoint or invalidation request meets. */
export type Fault =
  /** The request never reaches hh.ru (connection refused, DNS). */
  | 'lost_request'
  /** hh.ru handles the request but the answer is lost (the dangerous one). */
  | 'lost_response'
  /** hh.ru answers 503. */
  | 'server_error'
  /** hh.ru answers 200 with a body that is not a token answer. */
  | 'garbage';

interface Code {
  readonly redirectUri: string | undefined;
  readonly issuedAt: number;
  used: boolean;
}

interface Pair {
  readonly grant: number;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: number;
  /** The refresh token was exchanged for a new pair (the access token dies with it). */
  refreshed: boolean;
}

/** One request as hh.ru saw it (or did not, for `lost_request`). */
export interface ModelRequest {
  readonly kind: 'exchange' | 'refresh' | 'invalidate';
  /** The token or code sent. */
  readonly credential: string;
  /** Whether the form had a redirect_uri, and which string (exchange only). */
  readonly redirectUri?: string;
  readonly serverNow: number;
  readonly answer: HttpAnswer | 'network_error';
}

const tokenError = (error: string, description: string, status = 400): HttpAnswer => ({
  status,
  body: JSON.stringify({ error, error_description: description }),
});
const apiError = (value: string): HttpAnswer => ({
  status: 403,
  body: JSON.stringify({ errors: [{ type: 'oauth', value }] }),
});

export class HhModel {
  readonly expiresInSeconds: number;
  readonly codeTtlMs: number;
  /** hh.ru's clock (ms). */
  now: number;
  readonly requests: ModelRequest[] = [];
  /** What `/oauth/authorize` issued: code → the redirect_uri it was given (or none). */
  readonly codes = new Map<string, Code>();
  private readonly pairs = new Map<string, Pair>(); // by access token
  private readonly byRefresh = new Map<string, Pair>();
  private readonly revokedGrants = new Set<number>();
  private readonly invalidatedAccess = new Set<string>();
  private faults: Fault[] = [];
  private serial = 0;

  constructor(now: number, options: HhModelOptions = {}) {
    this.now = now;
    this.expiresInSeconds = options.expiresInSeconds ?? 1_209_600;
    this.codeTtlMs = options.codeTtlMs ?? 10 * 60_000;
  }

  /** The user passed `/oauth/authorize` (consent given): returns the code for the callback. */
  authorize(redirectUri: string | undefined): string {
    this.serial += 1;
    const code = `CODE${this.serial}`;
    this.codes.set(code, { redirectUri, issuedAt: this.now, used: false });
    return code;
  }

  /** The next request meets `fault`. */
  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The user revoked the application in their hh.ru settings: every token of `accessToken`'s grant dies. */
  userRevokes(accessToken: string): void {
    const pair = this.pairs.get(accessToken);
    if (pair) this.revokedGrants.add(pair.grant);
  }

  /** `POST /oauth/token` `grant_type=authorization_code`. */
  exchange(code: string, redirectUri: string | undefined): HttpAnswer | 'network_error' {
    return this.handle({ kind: 'exchange', code, redirectUri }, () => {
      const issued = this.codes.get(code);
      if (!issued) return tokenError('invalid_request', 'code not found');
      if (issued.used) return tokenError('invalid_grant', 'code has already been used');
      if (this.now >= issued.issuedAt + this.codeTtlMs)
        return tokenError('invalid_grant', 'code expired');
      // "if it was sent to /oauth/authorize, the SAME string must be sent here; if it was NOT
      // sent there, sending it here is an error" (strings are compared).
      if (issued.redirectUri !== redirectUri)
        return tokenError('invalid_request', 'bad redirect url');
      issued.used = true;
      this.serial += 1;
      return this.issue(this.serial);
    });
  }

  /** `POST /oauth/token` `grant_type=refresh_token`. */
  refresh(refreshToken: string): HttpAnswer | 'network_error' {
    return this.handle({ kind: 'refresh', code: refreshToken, redirectUri: undefined }, () => {
      const pair = this.byRefresh.get(refreshToken);
      if (!pair) return tokenError('invalid_request', 'token not found');
      if (this.revokedGrants.has(pair.grant))
        return tokenError('invalid_grant', 'token was revoked');
      if (pair.refreshed) return tokenError('invalid_grant', 'token has already been refreshed');
      if (this.now < pair.expiresAt) return tokenError('invalid_grant', 'token not expired');
      pair.refreshed = true;
      return this.issue(pair.grant);
    });
  }

  /** `DELETE /oauth/token` with the user's Bearer token. */
  invalidate(accessToken: string): HttpAnswer | 'network_error' {
    return this.handle({ kind: 'invalidate', code: accessToken, redirectUri: undefined }, () => {
      if (this.check(accessToken) !== 'ok') return apiError('bad_authorization');
      const pair = this.pairs.get(accessToken);
      if (pair) this.revokedGrants.add(pair.grant);
      this.invalidatedAccess.add(accessToken);
      return { status: 204, body: '' };
    });
  }

  /** `GET /me` with a Bearer token. */
  api(accessToken: string): HttpAnswer {
    const verdict = this.check(accessToken);
    return verdict === 'ok' ? { status: 200, body: '{"is_application":false}' } : apiError(verdict);
  }

  /** What hh.ru thinks of an access token now. */
  check(accessToken: string): 'ok' | 'bad_authorization' | 'token_expired' | 'token_revoked' {
    const pair = this.pairs.get(accessToken);
    if (!pair || pair.refreshed || this.invalidatedAccess.has(accessToken)) {
      return 'bad_authorization';
    }
    if (this.revokedGrants.has(pair.grant)) return 'token_revoked';
    if (this.now >= pair.expiresAt) return 'token_expired';
    return 'ok';
  }

  /** True when hh.ru ever issued this access token. */
  issued(accessToken: string): boolean {
    return this.pairs.has(accessToken);
  }

  /** True when this access token was invalidated through `DELETE /oauth/token`. */
  invalidated(accessToken: string): boolean {
    return this.invalidatedAccess.has(accessToken);
  }

  private issue(grant: number): HttpAnswer {
    this.serial += 1;
    const pair: Pair = {
      grant,
      accessToken: `AT${this.serial}`,
      refreshToken: `RT${this.serial}`,
      expiresAt: this.now + this.expiresInSeconds * 1000,
      refreshed: false,
    };
    this.pairs.set(pair.accessToken, pair);
    this.byRefresh.set(pair.refreshToken, pair);
    return {
      status: 200,
      body: JSON.stringify({
        access_token: pair.accessToken,
        token_type: 'bearer',
        expires_in: this.expiresInSeconds,
        refresh_token: pair.refreshToken,
      }),
    };
  }

  private handle(
    request: { kind: ModelRequest['kind']; code: string; redirectUri: string | undefined },
    answer: () => HttpAnswer,
  ): HttpAnswer | 'network_error' {
    const fault = this.faults.shift();
    let result: HttpAnswer | 'network_error';
    if (fault === 'lost_request') result = 'network_error';
    else if (fault === 'server_error') result = { status: 503, body: 'Service Unavailable' };
    else if (fault === 'garbage') result = { status: 200, body: '<html>oops</html>' };
    else {
      const handled = answer();
      result = fault === 'lost_response' ? 'network_error' : handled;
    }
    const entry: { -readonly [K in keyof ModelRequest]: ModelRequest[K] } = {
      kind: request.kind,
      credential: request.code,
      serverNow: this.now,
      answer: result,
    };
    if (request.redirectUri !== undefined) entry.redirectUri = request.redirectUri;
    this.requests.push(entry);
    return result;
  }
}
