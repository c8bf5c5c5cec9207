/** The emulator's in-memory records. Plain data; the rules live in `token-grants.ts` and `api-auth.ts`. */

export type UserKind = 'applicant' | 'employer';

export interface ManagerAccount {
  readonly id: string;
  readonly name: string;
  readonly isMain: boolean;
}

export interface User {
  readonly id: string;
  readonly login: string;
  password: string;
  /** Bumped on every password change: older codes and tokens are then refused. */
  passwordVersion: number;
  readonly kind: UserKind;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  locked: boolean;
  verified: boolean;
  passwordInvalidated: boolean;
  /** `login not allowed` at the token endpoint. */
  loginNotAllowed: boolean;
  /** Employers only. */
  readonly employer?: { readonly id: string; readonly name: string };
  /** Employers only: the manager's work accounts (`GET /manager_accounts/mine`). */
  readonly managerAccounts: readonly ManagerAccount[];
}

export type AppRole = 'applicant' | 'employer' | 'employer_and_applicant' | 'application';
export type AppAudience = 'applicants' | 'one_employer' | 'several_employers' | 'any_user';

/**
 * The review status of an application, as dev.hh.ru shows it ("Request"): `processing`,
 * `rejected`, `successfully` (approved) and `fill` (hh.ru's `UNREGISTERED_APPLICATION`: the
 * registration request is still to be filled in). Only `successfully` may obtain tokens.
 */
export type AppReview = 'processing' | 'rejected' | 'successfully' | 'fill';

/** The registration form's other fields (dev.hh.ru): functionality, contacts, the employer. */
export interface AppDetails {
  /** "What tasks should the application solve". */
  readonly tasks: string;
  /** "Describe all the functionality of the application and specify the API methods used". */
  readonly methods: string;
  readonly contact: {
    readonly lastName: string;
    readonly firstName: string;
    readonly middleName: string;
  };
  /** The employer the application is made for (audience `one_employer`). */
  readonly employerId: string | undefined;
}

export interface App {
  readonly clientId: string;
  readonly clientSecret: string;
  name: string;
  description: string;
  redirectUri: string;
  review: AppReview;
  readonly details: AppDetails | undefined;
  readonly role: AppRole;
  readonly audience: AppAudience;
  /** Login of the console user who registered it; undefined for apps made by controls. */
  readonly owner: string | undefined;
  readonly createdAt: number;
}

export interface AuthorizationCode {
  readonly value: string;
  readonly clientId: string;
  readonly userId: string;
  /** The redirect_uri string exactly as sent to `/oauth/authorize`; undefined when none was sent. */
  readonly redirectUri: string | undefined;
  readonly expiresAt: number;
  readonly passwordVersion: number;
  used: boolean;
  revoked: boolean;
}

/**
 * One access/refresh pair. `refreshed`: the refresh token was used; `invalidated`: `DELETE
 * /oauth/token`; `revoked`: the user's tokens were revoked (control).
 */
export interface UserToken {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly clientId: string;
  readonly userId: string;
  readonly expiresAt: number;
  readonly passwordVersion: number;
  status: 'active' | 'refreshed' | 'invalidated' | 'revoked';
}

export interface AppToken {
  readonly value: string;
  readonly clientId: string;
  readonly issuedAt: number;
}

export interface Session {
  readonly id: string;
  readonly csrf: string;
  userId: string | undefined;
}

export interface TokenStats {
  authorization_code: number;
  refresh_token: number;
  client_credentials: number;
  /** Requests with a missing or unsupported grant_type, or a body that could not be read. */
  other: number;
}
