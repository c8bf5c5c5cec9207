/**
 * The API (`https://api.hh.ru` on hh.ru; the same server here): `GET /me`,
 * `GET /manager_accounts/mine` and `DELETE /oauth/token`.
 *
 * @see docs/hh-protocol.md "Every API request", §4, §5
 * @see https://github.com/hhru/api/blob/master/docs/general.md hh.ru: general request rules
 * @see https://github.com/hhru/api/blob/master/docs/employer_managers.md hh.ru: manager accounts
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  type ApiErrorBody,
  authenticate,
  type Caller,
  checkUserAgent,
  oauthError,
} from '../api-auth.js';
import type { ManagerAccount, User } from '../model.js';
import type { EmulatorState } from '../state.js';
import { matchesRoute } from '../stub-routes.js';

/** 403 for a forbidden request that is not an oauth error (e.g. an unknown manager account). */
export const FORBIDDEN: ApiErrorBody = { errors: [{ type: 'forbidden' }] };
/** 403 for an `X-Manager-Account-Id` the caller does not have. */
export const UNKNOWN_MANAGER_ACCOUNT: ApiErrorBody = {
  errors: [{ type: 'manager_account', value: 'not_found' }],
};

type Resolved =
  | { ok: true; caller: Caller; account: ManagerAccount | undefined }
  | { ok: false; response: Response };

/**
 * The common rules of every API request, in hh.ru's order: User-Agent (400), then the Bearer
 * token (403 oauth), then `X-Manager-Account-Id` (403 when the caller has no such account).
 */
function resolve(c: Context, state: EmulatorState): Resolved {
  const badAgent = checkUserAgent(state, c.req.header('hh-user-agent'), c.req.header('user-agent'));
  if (badAgent) return { ok: false, response: c.json(badAgent, 400) };
  const caller = authenticate(state, c.req.header('authorization'));
  if ('errors' in caller) return { ok: false, response: c.json(caller, 403) };
  const wanted = c.req.header('x-manager-account-id');
  if (wanted === undefined) {
    const main = caller.kind === 'user' ? mainAccount(caller.user) : undefined;
    return { ok: true, caller, account: main };
  }
  const account =
    caller.kind === 'user'
      ? caller.user.managerAccounts.find((a) => a.id === wanted.trim())
      : undefined;
  if (!account) return { ok: false, response: c.json(UNKNOWN_MANAGER_ACCOUNT, 403) };
  return { ok: true, caller, account };
}

const mainAccount = (user: User) => user.managerAccounts.find((a) => a.isMain);

/** `GET /me` for a user: hh.ru's fields that a client reads to check a token and branch on role. */
export function meForUser(
  user: User,
  account: ManagerAccount | undefined,
): Record<string, unknown> {
  const me: Record<string, unknown> = {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    middle_name: null,
    email: user.email,
    is_admin: false,
    is_anonymous: false,
    is_applicant: user.kind === 'applicant',
    is_employer: user.kind === 'employer',
    is_application: false,
    auth_type: user.kind,
  };
  if (user.employer && account) {
    me['employer'] = { id: user.employer.id, name: user.employer.name, manager_id: account.id };
    me['manager'] = { id: account.id, name: account.name };
  }
  return me;
}

/** `GET /me` for an application token: only the flags. */
export const ME_FOR_APPLICATION = {
  is_admin: false,
  is_anonymous: false,
  is_applicant: false,
  is_employer: false,
  is_application: true,
  auth_type: 'application',
} as const;

export function apiRoutes(state: EmulatorState): Hono {
  const routes = new Hono();

  routes.get('/me', (c) => {
    const r = resolve(c, state);
    if (!r.ok) return r.response;
    if (r.caller.kind === 'app') return c.json(ME_FOR_APPLICATION);
    return c.json(meForUser(r.caller.user, r.account));
  });

  routes.get('/manager_accounts/mine', (c) => {
    const r = resolve(c, state);
    if (!r.ok) return r.response;
    if (r.caller.kind === 'app') return c.json(oauthError('user_auth_expected'), 403);
    const { user } = r.caller;
    if (user.kind !== 'employer') return c.json(FORBIDDEN, 403);
    return c.json({
      items: user.managerAccounts.map((a) => ({ id: a.id, name: a.name, is_main: a.isMain })),
      primary_account_id: mainAccount(user)?.id ?? null,
    });
  });

  /**
   * Invalidates a user's access token (and with it its refresh token). Only a valid user token
   * can be invalidated; an application token gets `user_auth_expected`.
   *
   * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: invalidation
   */
  routes.delete('/oauth/token', (c) => {
    const r = resolve(c, state);
    if (!r.ok) return r.response;
    if (r.caller.kind === 'app') return c.json(oauthError('user_auth_expected'), 403);
    r.caller.token.status = 'invalidated';
    return c.body(null, 204);
  });

  return routes;
}

/**
 * Serves a registered stub route (see `../stub-routes.ts`) under the same rules as `/me`:
 * User-Agent, then the Bearer token (unless `auth: "none"`), then `X-Manager-Account-Id`.
 * Answers undefined when no route matches.
 */
export function stubResponse(c: Context, state: EmulatorState): Response | undefined {
  const route = state.routes.find((r) => matchesRoute(r, c.req.method, c.req.path));
  if (!route) return undefined;
  let caller: Caller | undefined;
  if (route.auth === 'none') {
    const badAgent = checkUserAgent(
      state,
      c.req.header('hh-user-agent'),
      c.req.header('user-agent'),
    );
    if (badAgent) return c.json(badAgent, 400);
  } else {
    const r = resolve(c, state);
    if (!r.ok) return r.response;
    caller = r.caller;
  }
  if (caller?.kind === 'app' && route.auth === 'user') {
    return c.json(oauthError('user_auth_expected'), 403);
  }
  if (caller?.kind === 'user' && route.auth === 'app') return c.json(FORBIDDEN, 403);
  if (route.userKind && caller?.kind === 'user' && caller.user.kind !== route.userKind) {
    return c.json(FORBIDDEN, 403);
  }
  if (route.userKind && caller?.kind === 'app') return c.json(FORBIDDEN, 403);
  return new Response(c.req.method === 'HEAD' ? null : route.body, {
    status: route.status,
    headers: route.body === null ? {} : { 'content-type': 'application/json; charset=UTF-8' },
  });
}
