/**
 * hh.ru's answers that sign-in touches, typed: `GET /me` (a user, an employer's manager, an
 * application), `GET /manager_accounts/mine` and the API error body. Fields hh.ru adds later stay
 * readable through the index signature; these are the ones the product relies on.
 *
 * @see https://github.com/hhru/api/blob/master/docs/me.md hh.ru: GET /me
 * @see https://github.com/hhru/api/blob/master/docs/employer_managers.md hh.ru: manager accounts
 * @see https://github.com/hhru/api/blob/master/docs/errors.md hh.ru: errors
 */

interface MeFlags {
  readonly is_admin: boolean;
  readonly is_anonymous: boolean;
  readonly [field: string]: unknown;
}

interface MeUser extends MeFlags {
  readonly id: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly middle_name: string | null;
  readonly email: string | null;
  readonly is_application: false;
}

/** `GET /me` for an applicant's token. */
export interface ApplicantMe extends MeUser {
  readonly auth_type: 'applicant';
  readonly is_applicant: true;
  readonly is_employer: false;
}

/** The employer an employer's manager works for, and the work account the call acts as. */
export interface MeEmployer {
  readonly id: string;
  readonly name: string;
  readonly manager_id: string;
}

export interface MeManager {
  readonly id: string;
  readonly name: string;
}

/** `GET /me` for an employer's manager (with `X-Manager-Account-Id`: as that work account). */
export interface EmployerMe extends MeUser {
  readonly auth_type: 'employer';
  readonly is_applicant: false;
  readonly is_employer: true;
  readonly employer: MeEmployer;
  readonly manager: MeManager;
}

/** `GET /me` for an application token: the flags only. */
export interface ApplicationMe extends MeFlags {
  readonly auth_type: 'application';
  readonly is_applicant: false;
  readonly is_employer: false;
  readonly is_application: true;
}

/** `GET /me`: narrow on `auth_type` (or `is_employer`, `is_application`). */
export type Me = ApplicantMe | EmployerMe | ApplicationMe;

/** One of a manager's work accounts. */
export interface ManagerAccount {
  readonly id: string;
  readonly name: string;
  readonly is_main: boolean;
}

/** `GET /manager_accounts/mine`: pass an `id` as `managerAccountId` to act as that account. */
export interface ManagerAccounts {
  readonly items: readonly ManagerAccount[];
  readonly primary_account_id: string | null;
}

/** The body of an API error answer (`{"errors":[{"type","value"}]}`). */
export interface ApiErrorBody {
  readonly errors: readonly { readonly type: string; readonly value?: string }[];
  readonly description?: string;
  readonly request_id?: string;
  readonly oauth_error?: string;
}
