/**
 * The emulator's configuration as a CI writes it (a JSON or YAML file, flags, environment
 * variables), checked into `EmulatorOptions` with errors that name the offending key.
 */
import { parseRedirectUri } from '@hh-oauth/core';
import { EmulatorInputError } from './errors.js';
import { type FaultSpec, normalizeFault } from './faults.js';
import { MAX_SECONDS, MAX_TIME_MS } from './limits.js';
import { normalizeRoute, type StubRouteSpec } from './stub-routes.js';

/** An application the emulator knows from the start and after every `reset`. */
export interface AppConfig {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  name?: string;
}

/** A user the emulator knows from the start and after every `reset`, beside the seeded two. */
export interface UserConfig {
  login: string;
  password: string;
  /** Default `applicant`. An employer gets an employer and one (main) work account. */
  kind?: 'applicant' | 'employer';
  firstName?: string;
  lastName?: string;
  locked?: boolean;
  verified?: boolean;
  passwordInvalidated?: boolean;
  /** `login not allowed` at the token endpoint. */
  loginNotAllowed?: boolean;
}

/**
 * - `chooser` (the default): a signed-in user who already allowed the app sees "Continue /
 *   Switch account" unless `skip_choose_account=true`.
 * - `immediate`: such a user is sent back with a code at once, as hh.ru's guide describes.
 */
export type AccountChooser = 'chooser' | 'immediate';

/**
 * `approve` (the default): applications registered in the console are approved at once;
 * `manual`: they wait in `processing` until a control (or the console's emulator-only buttons)
 * approves or rejects them.
 */
export type AppReviewMode = 'approve' | 'manual';

/** `refuse` (the default, hh.ru documents credentials in the body) or `accept` HTTP Basic. */
export type BasicAuthPolicy = 'refuse' | 'accept';

export interface ConfigOptions {
  port?: number;
  host?: string;
  allowedHosts?: readonly string[];
  app?: AppConfig;
  apps?: readonly AppConfig[];
  users?: readonly UserConfig[];
  tokenTtlSeconds?: number;
  codeTtlSeconds?: number;
  now?: number | Date;
  accountChooser?: AccountChooser;
  userAgentBlacklist?: readonly string[];
  basicAuth?: BasicAuthPolicy;
  appReview?: AppReviewMode;
  /** Applications one user may have under review at once; default 1. */
  appReviewLimit?: number;
  routes?: readonly StubRouteSpec[];
  faults?: readonly FaultSpec[];
}

type Json = Record<string, unknown>;

const fail = (path: string, message: string): never => {
  throw new EmulatorInputError(`${path} ${message}`);
};

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, 'must be an object');
  }
  return value as Json;
}

function onlyKeys(value: Json, path: string, keys: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      fail(`${path}.${key}`, `is not a known key (known: ${keys.join(', ')})`);
    }
  }
}

function str(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') return fail(path, 'must be a non-empty string');
  return value;
}

function bool(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return fail(path, 'must be true or false');
  return value;
}

function oneOf<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    return fail(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return value as T;
}

function seconds(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
    return fail(path, `must be a number of seconds from 1 to ${MAX_SECONDS}`);
  }
  return value;
}

function reviewLimit(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000) {
    return fail(path, 'must be an integer from 1 to 1000');
  }
  return value as number;
}

function list<T>(
  value: unknown,
  path: string,
  item: (v: unknown, p: string) => T,
): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return fail(path, 'must be a list');
  return value.map((v, i) => item(v, `${path}[${i}]`));
}

const strings = (value: unknown, path: string) =>
  list(value, path, (v, p) => str(v, p) ?? fail(p, 'must be a non-empty string'));

/** Runs the state's own check on `spec`, naming `path` in its error. */
function checked<T>(path: string, spec: T, check: (spec: T) => unknown): T {
  try {
    check(spec);
  } catch (error) {
    fail(path, `is invalid: ${(error as Error).message}`);
  }
  return spec;
}

/** Drops undefined values (for `exactOptionalPropertyTypes`). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

/** A start time: ms since the epoch, or an ISO 8601 date-time (`2030-01-01T00:00:00Z`). */
export function parseTime(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && value.trim() !== '' && !/^-?\d+(\.\d+)?$/.test(value.trim())
        ? Date.parse(value)
        : Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    return fail(path, 'must be an ISO 8601 date-time or ms since the epoch');
  }
  return ms;
}

function app(value: unknown, path: string): AppConfig {
  const v = object(value, path);
  onlyKeys(v, path, ['clientId', 'clientSecret', 'redirectUri', 'name']);
  const redirectUri = str(v['redirectUri'], `${path}.redirectUri`);
  if (redirectUri !== undefined) {
    const parsed = parseRedirectUri(redirectUri);
    if (!parsed.ok) fail(`${path}.redirectUri`, parsed.message);
  }
  return defined({
    clientId: str(v['clientId'], `${path}.clientId`),
    clientSecret: str(v['clientSecret'], `${path}.clientSecret`),
    redirectUri,
    name: str(v['name'], `${path}.name`),
  });
}

const USER_KEYS = [
  'login',
  'password',
  'kind',
  'firstName',
  'lastName',
  'locked',
  'verified',
  'passwordInvalidated',
  'loginNotAllowed',
] as const;

function user(value: unknown, path: string): UserConfig {
  const v = object(value, path);
  onlyKeys(v, path, USER_KEYS);
  const login = str(v['login'], `${path}.login`) ?? fail(`${path}.login`, 'is required');
  return defined({
    login: login.trim().toLowerCase(),
    password: str(v['password'], `${path}.password`) ?? fail(`${path}.password`, 'is required'),
    kind: oneOf(v['kind'], `${path}.kind`, ['applicant', 'employer'] as const),
    firstName: str(v['firstName'], `${path}.firstName`),
    lastName: str(v['lastName'], `${path}.lastName`),
    locked: bool(v['locked'], `${path}.locked`),
    verified: bool(v['verified'], `${path}.verified`),
    passwordInvalidated: bool(v['passwordInvalidated'], `${path}.passwordInvalidated`),
    loginNotAllowed: bool(v['loginNotAllowed'], `${path}.loginNotAllowed`),
  });
}

export const CONFIG_KEYS = [
  'port',
  'host',
  'allowedHosts',
  'app',
  'apps',
  'users',
  'tokenTtlSeconds',
  'codeTtlSeconds',
  'now',
  'accountChooser',
  'userAgentBlacklist',
  'basicAuth',
  'appReview',
  'appReviewLimit',
  'routes',
  'faults',
] as const;

/**
 * Checks a configuration object (a parsed file, or flags and environment merged over one) and
 * returns the options `startEmulator` takes. Throws `EmulatorInputError` naming the bad key.
 */
export function parseConfig(value: unknown, path = 'config'): ConfigOptions {
  const v = object(value, path);
  onlyKeys(v, path, CONFIG_KEYS);
  const port = v['port'];
  if (
    port !== undefined &&
    (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
  ) {
    fail(`${path}.port`, 'must be an integer from 0 to 65535');
  }
  const apps = list(v['apps'], `${path}.apps`, app);
  for (const [i, a] of (apps ?? []).entries()) {
    if (a.redirectUri === undefined) fail(`${path}.apps[${i}].redirectUri`, 'is required');
  }
  const users = list(v['users'], `${path}.users`, user);
  const logins = new Set<string>();
  for (const [i, u] of (users ?? []).entries()) {
    if (logins.has(u.login))
      fail(`${path}.users[${i}].login`, `repeats ${JSON.stringify(u.login)}`);
    logins.add(u.login);
  }
  const ids = [v['app'] === undefined ? undefined : app(v['app'], `${path}.app`), ...(apps ?? [])]
    .map((a) => a?.clientId)
    .filter((id): id is string => id !== undefined);
  if (new Set(ids).size !== ids.length) fail(`${path}.apps`, 'repeat a clientId');
  return defined({
    port: port as number | undefined,
    host: str(v['host'], `${path}.host`),
    allowedHosts: strings(v['allowedHosts'], `${path}.allowedHosts`),
    app: v['app'] === undefined ? undefined : app(v['app'], `${path}.app`),
    apps,
    users,
    tokenTtlSeconds: seconds(v['tokenTtlSeconds'], `${path}.tokenTtlSeconds`),
    codeTtlSeconds: seconds(v['codeTtlSeconds'], `${path}.codeTtlSeconds`),
    now: parseTime(v['now'], `${path}.now`),
    accountChooser: oneOf(v['accountChooser'], `${path}.accountChooser`, [
      'chooser',
      'immediate',
    ] as const),
    userAgentBlacklist: strings(v['userAgentBlacklist'], `${path}.userAgentBlacklist`),
    basicAuth: oneOf(v['basicAuth'], `${path}.basicAuth`, ['refuse', 'accept'] as const),
    appReview: oneOf(v['appReview'], `${path}.appReview`, ['approve', 'manual'] as const),
    appReviewLimit: reviewLimit(v['appReviewLimit'], `${path}.appReviewLimit`),
    routes: list(v['routes'], `${path}.routes`, (r, p) =>
      checked(p, object(r, p) as unknown as StubRouteSpec, normalizeRoute),
    ),
    faults: list(v['faults'], `${path}.faults`, (f, p) =>
      checked(p, object(f, p) as unknown as FaultSpec, normalizeFault),
    ),
  });
}
