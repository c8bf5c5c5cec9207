/** The options of `createHhWeb`, and their defaults. */
import type { HhOAuth, StartAuthorizationOptions } from '@hh-oauth/client';
import { ConfigurationError, type HhOAuthError } from '@hh-oauth/core';

export interface HhWebPaths {
  /** Starts "Sign in with hh.ru" (GET or same-origin POST). Default `/auth/signin`. */
  readonly signIn?: string;
  /** Where hh.ru sends the user back: the redirect URI's path. Default `/auth/callback`. */
  readonly callback?: string;
  /** Signs out (same-origin POST only). Default `/auth/signout`. */
  readonly signOut?: string;
}

export interface HhWebOptions {
  /** The runtime (`createHhOAuth`), with any token store. */
  readonly hh: HhOAuth;
  /**
   * Signs the cookies (HMAC-SHA-256): at least 32 characters, e.g. `openssl rand -base64 32`. A
   * list rotates secrets: the first signs, every one verifies.
   */
  readonly secret: string | readonly string[];
  readonly paths?: HhWebPaths;
  /** Where a completed sign-in lands. Default `/`. */
  readonly afterSignIn?: string;
  /** Where a sign-out lands. Default `/`. */
  readonly afterSignOut?: string;
  /**
   * Where a failed sign-in or sign-out lands, as `<errorRedirect>?hh_error=<code>&hh_recovery=<recovery>`
   * (`access_denied` when the user pressed Deny). Default `/`. Ignored when `onError` is given.
   */
  readonly errorRedirect?: string;
  /** Renders a failed sign-in or sign-out yourself (an error page with `error.code`). */
  readonly onError?: (error: HhOAuthError, request: Request) => Response | Promise<Response>;
  /**
   * The application's public origin (`https://example.com`) when a proxy in front changes what the
   * server sees; default: the request URL's origin. Decides `Secure`/`__Host-` and the Origin check.
   */
  readonly origin?: string;
  /** Further origins allowed to POST to sign-in and sign-out (the own origin always is). */
  readonly trustedOrigins?: readonly string[];
  /** `Secure` and `__Host-` cookies; default: when the origin is https. */
  readonly secure?: boolean;
  /** Cookie names, before the `__Host-` prefix. Default `hh_session` and `hh_state`. */
  readonly cookieNames?: { readonly session?: string; readonly state?: string };
  /** How long the session cookie lives. Default 30 days. */
  readonly sessionMaxAgeSeconds?: number;
  /**
   * The sign-in's options from its request. Default: `force_login=true` and
   * `skip_choose_account=true` from the query (GET) or the form (POST).
   */
  readonly authorizationOptions?: (
    request: Request,
  ) => StartAuthorizationOptions | Promise<StartAuthorizationOptions>;
}

export interface ResolvedOptions {
  readonly hh: HhOAuth;
  readonly paths: Required<HhWebPaths>;
  readonly afterSignIn: string;
  readonly afterSignOut: string;
  readonly errorRedirect: string;
  readonly onError: HhWebOptions['onError'];
  readonly origin: string | undefined;
  readonly trustedOrigins: readonly string[];
  readonly secure: boolean | undefined;
  readonly cookieNames: { readonly session: string; readonly state: string };
  readonly sessionMaxAgeSeconds: number;
  readonly authorizationOptions: NonNullable<HhWebOptions['authorizationOptions']>;
}

/** How long a sign-in may take, as the client keeps its pending authorization (10 minutes). */
export const STATE_MAX_AGE_SECONDS = 600;
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

async function defaultAuthorizationOptions(request: Request): Promise<StartAuthorizationOptions> {
  let fields: { get(name: string): unknown } = new URL(request.url).searchParams;
  const type = request.headers.get('content-type') ?? '';
  if (
    request.method === 'POST' &&
    (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data'))
  ) {
    fields = await request.formData();
  }
  return {
    forceLogin: fields.get('force_login') === 'true',
    skipChooseAccount: fields.get('skip_choose_account') === 'true',
  };
}

const isPath = (value: string) => value.startsWith('/') && !value.startsWith('//');

function origin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      'invalid_argument',
      'origin must be an absolute URL like https://example.com',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('invalid_argument', 'origin must be an http or https URL');
  }
  return url.origin;
}

export function resolveOptions(options: HhWebOptions): ResolvedOptions {
  const paths = {
    signIn: options.paths?.signIn ?? '/auth/signin',
    callback: options.paths?.callback ?? '/auth/callback',
    signOut: options.paths?.signOut ?? '/auth/signout',
  };
  const redirects = {
    afterSignIn: options.afterSignIn ?? '/',
    afterSignOut: options.afterSignOut ?? '/',
    errorRedirect: options.errorRedirect ?? '/',
  };
  for (const [name, value] of Object.entries({ ...paths, ...redirects })) {
    // Local paths only: an option can never become an open redirect.
    if (!isPath(value)) {
      throw new ConfigurationError(
        'invalid_argument',
        `${name} must be a path starting with one /`,
      );
    }
  }
  return {
    hh: options.hh,
    paths,
    ...redirects,
    onError: options.onError,
    origin: origin(options.origin),
    trustedOrigins: (options.trustedOrigins ?? []).map((o) => origin(o) ?? o),
    secure: options.secure,
    cookieNames: {
      session: options.cookieNames?.session ?? 'hh_session',
      state: options.cookieNames?.state ?? 'hh_state',
    },
    sessionMaxAgeSeconds: options.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS,
    authorizationOptions: options.authorizationOptions ?? defaultAuthorizationOptions,
  };
}
