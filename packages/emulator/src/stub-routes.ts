/**
 * Canned API answers for paths the emulator does not implement (vacancies, negotiations, …),
 * served under hh.ru's request rules: User-Agent, Bearer token (expiry, revocation, deleted
 * application), `X-Manager-Account-Id`. A CI registers them with `POST /__emulator/routes` or the
 * config file's `routes`.
 *
 * @see https://github.com/hhru/api/blob/master/docs/general.md hh.ru: general request rules
 */
import { EmulatorInputError } from './errors.js';

/** Who may call a stub route. */
export type StubAuth = 'any' | 'user' | 'app' | 'none';

export interface StubRouteSpec {
  /** HTTP method; default `GET`. */
  method?: string;
  /**
   * The path, from `/`: literal segments, `:name` for any one segment, and a final `*` for any
   * rest. E.g. `/vacancies/:id`, `/employers/3001/*`.
   */
  path: string;
  /** Status of the answer; default 200. */
  status?: number;
  /** The JSON answer; default `{}`. A 204 sends none. */
  body?: unknown;
  /**
   * `any` (default): a valid user or application token; `user`: a user token (an application
   * token gets `403 oauth user_auth_expected`); `app`: an application token; `none`: no token
   * needed (the User-Agent rule still holds).
   */
  auth?: StubAuth;
  /** Only this kind of user (others get `403 {"errors":[{"type":"forbidden"}]}`). */
  userKind?: 'applicant' | 'employer';
}

export interface StubRoute {
  readonly method: string;
  readonly path: string;
  readonly segments: readonly string[];
  readonly status: number;
  readonly body: string | null;
  readonly auth: StubAuth;
  readonly userKind: 'applicant' | 'employer' | undefined;
}

const AUTHS: readonly StubAuth[] = ['any', 'user', 'app', 'none'];
/** Paths the emulator serves itself: a stub cannot shadow them. */
const RESERVED = /^\/(?:__emulator|oauth|token$|admin|callback$|me$|manager_accounts\/mine$)/;

export function normalizeRoute(spec: StubRouteSpec): StubRoute {
  if (typeof spec !== 'object' || spec === null) {
    throw new EmulatorInputError('a route must be an object');
  }
  const { path } = spec;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new EmulatorInputError(
      'route path must start with / and have no query, fragment or space',
    );
  }
  if (RESERVED.test(path)) {
    throw new EmulatorInputError(`route path ${path} is served by the emulator itself`);
  }
  const segments = path.split('/').slice(1);
  if (segments.slice(0, -1).includes('*')) {
    throw new EmulatorInputError('route path may end with * but not have it inside');
  }
  const method = spec.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
    throw new EmulatorInputError('route method must be an HTTP method');
  }
  const status = spec.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new EmulatorInputError('route status must be an HTTP status from 200 to 599');
  }
  const auth = spec.auth ?? 'any';
  if (!AUTHS.includes(auth))
    throw new EmulatorInputError(`route auth must be one of ${AUTHS.join(', ')}`);
  const userKind = spec.userKind;
  if (userKind !== undefined && userKind !== 'applicant' && userKind !== 'employer') {
    throw new EmulatorInputError('route userKind must be "applicant" or "employer"');
  }
  return {
    method: method.toUpperCase(),
    path,
    segments,
    status,
    body: status === 204 ? null : JSON.stringify(spec.body ?? {}),
    auth,
    userKind,
  };
}

/** Whether `path` matches the route's pattern (`:name` one segment, final `*` any rest). */
export function matchesRoute(route: StubRoute, method: string, path: string): boolean {
  if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) return false;
  const parts = path.split('/').slice(1);
  for (const [i, segment] of route.segments.entries()) {
    if (segment === '*') return parts.length > i;
    const part = parts[i];
    if (part === undefined || part === '') return false;
    if (!segment.startsWith(':') && segment !== part) return false;
  }
  return parts.length === route.segments.length;
}

/** A route as the controls report it. */
export const describeRoute = (route: StubRoute) => ({
  method: route.method,
  path: route.path,
  status: route.status,
  auth: route.auth,
  userKind: route.userKind ?? null,
});
