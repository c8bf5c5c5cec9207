/**
 * hh.ru's redirect_uri rules, as a security boundary.
 *
 * hh.ru accepts a requested redirect_uri when it refines the one saved in the application's
 * settings: the same scheme, the same host or a subdomain of it, the same port, the saved path or
 * a sub-path of it, and the saved query parameters plus any others. Everything that a URL parser
 * could read two ways is rejected rather than guessed: WHATWG `URL` alone is not enough, since it
 * silently normalizes (it erases `:80`, resolves `..`, turns `\` into `/`, maps full-width
 * letters), and the browser, hh.ru and the application may each normalize differently.
 *
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: redirect_uri
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1 RFC 9700 §4.1: redirect URI validation
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3 RFC 3986 §3: URI syntax
 */

import { parseRedirectUri } from './redirect-uri-parse.js';
import { keepsRegisteredQuery } from './redirect-uri-query.js';
import type {
  ParsedRedirectUri,
  ParseResult,
  RedirectUriRejection,
  RedirectUriVerdict,
} from './redirect-uri-types.js';

export { parseRedirectUri } from './redirect-uri-parse.js';
export type {
  ParsedRedirectUri,
  RedirectUriRejection,
  RedirectUriVerdict,
} from './redirect-uri-types.js';

/** A registered value's parse is reused across calls: it is almost always the same string. */
let lastRegistered: string | undefined;
let lastRegisteredParse: ParseResult | undefined;

/**
 * Checks a requested redirect_uri against the one saved in the application's settings, by hh.ru's
 * rules: same scheme; same host or a subdomain of it (at a label boundary, never for IP
 * literals); the same port (an explicit `:80` where the saved value has none is a different
 * port); the saved path or a sub-path of it (at a `/` boundary); and every saved query parameter
 * with its value (other parameters may be added).
 *
 * Never throws: any input yields a verdict.
 *
 * @example
 * validateRedirectUri('http://example.com/oauth', 'http://www.example.com/oauth/sub?lang=RU') // { ok: true }
 * validateRedirectUri('http://example.com/oauth', 'http://example.com/oauths') // { ok: false, reason: 'path_mismatch', … }
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: redirect_uri
 */
export function validateRedirectUri(registered: string, requested: string): RedirectUriVerdict {
  let saved: ParseResult;
  if (registered === lastRegistered && lastRegisteredParse !== undefined) {
    saved = lastRegisteredParse;
  } else {
    saved = parseRedirectUri(registered);
    lastRegistered = registered;
    lastRegisteredParse = saved;
  }
  if (!saved.ok) {
    return {
      ok: false,
      reason: saved.reason,
      which: 'registered',
      message: `the registered redirect_uri ${saved.message}`,
    };
  }
  const asked = parseRedirectUri(requested);
  if (!asked.ok) {
    return {
      ok: false,
      reason: asked.reason,
      which: 'requested',
      message: `the requested redirect_uri ${asked.message}`,
    };
  }
  const mismatch = compare(saved.uri, asked.uri);
  if (mismatch === undefined) return { ok: true };
  return { ok: false, reason: mismatch[0], which: 'requested', message: mismatch[1] };
}

function compare(
  saved: ParsedRedirectUri,
  asked: ParsedRedirectUri,
): [RedirectUriRejection, string] | undefined {
  if (saved.scheme !== asked.scheme) {
    return ['scheme_mismatch', 'the requested redirect_uri has another scheme'];
  }
  if (asked.host !== saved.host) {
    const subdomain =
      saved.hostKind === 'name' &&
      asked.hostKind === 'name' &&
      asked.host.length > saved.host.length + 1 &&
      asked.host.endsWith(saved.host) &&
      asked.host.charCodeAt(asked.host.length - saved.host.length - 1) === 0x2e;
    if (!subdomain) return ['host_mismatch', 'the requested redirect_uri has another host'];
  }
  if (asked.port !== saved.port) {
    return ['port_mismatch', 'the requested redirect_uri has another port'];
  }
  const savedPath = saved.path === '' ? '/' : saved.path;
  const askedPath = asked.path === '' ? '/' : asked.path;
  if (askedPath !== savedPath) {
    const boundary = savedPath.endsWith('/') ? savedPath : `${savedPath}/`;
    if (!askedPath.startsWith(boundary)) {
      return ['path_mismatch', 'the requested redirect_uri has a path outside the registered one'];
    }
  }
  if (saved.query !== undefined && saved.query !== '' && saved.query !== asked.query) {
    if (!keepsRegisteredQuery(saved.query, asked.query ?? '')) {
      return [
        'query_mismatch',
        'the requested redirect_uri drops, changes or shadows a registered parameter (or uses ;, which some servers split on)',
      ];
    }
  }
  return undefined;
}
