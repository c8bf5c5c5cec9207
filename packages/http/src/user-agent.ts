import { ConfigurationError } from '@hh-oauth/core';

/** `Name/Version (contact)`, the form hh.ru asks for, e.g. `MyApp/1.0 (my-app-feedback@example.com)`. */
const USER_AGENT = /^[A-Za-z0-9][\w.+-]*\/[\w.+-]+ \([^()\s][^()]*[@.][^()]*\)$/;

export type UserAgentHeader = 'User-Agent' | 'HH-User-Agent';

/**
 * Checks the application's User-Agent. hh.ru refuses requests without one
 * (`bad_user_agent/unset`) and blacklists generic ones.
 *
 * @see https://github.com/hhru/api/blob/master/docs/general.md#request-requirements hh.ru: User-Agent
 */
export function checkUserAgent(userAgent: unknown): string {
  if (typeof userAgent !== 'string' || !USER_AGENT.test(userAgent)) {
    throw new ConfigurationError(
      'invalid_argument',
      'userAgent must look like "MyApp/1.0 (my-app-feedback@example.com)": name/version and a contact',
    );
  }
  return userAgent;
}

/**
 * Browsers forbid setting User-Agent from script, so there hh.ru reads `HH-User-Agent`; if both
 * are sent, hh.ru reads only `HH-User-Agent`.
 */
export function defaultUserAgentHeader(): UserAgentHeader {
  return typeof (globalThis as { document?: unknown }).document === 'undefined'
    ? 'User-Agent'
    : 'HH-User-Agent';
}
