import { parseHost } from './redirect-uri-host.js';
import { reservedParameterIn } from './redirect-uri-query.js';
import { fail, type ParseResult, type Refusal } from './redirect-uri-types.js';

/**
 * Parses one redirect_uri strictly: anything that two URL parsers could read two ways is refused
 * rather than normalized.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3 RFC 3986 §3: URI syntax
 * @see https://www.rfc-editor.org/rfc/rfc3629#section-4 RFC 3629 §4: well-formed UTF-8
 */

const SCHEME = /^[a-z][a-z0-9+.-]*$/i;
/**
 * Schemes that are never a redirect target: a browser runs them (`javascript`, `vbscript`),
 * reads them locally (`file`, `data`, `blob`, `filesystem`, `about`, `view-source`), hands them
 * to another app in its own way (`intent`), or does not navigate to them (`ws`, `wss`, `ftp`).
 * Besides `http` and `https`, private-use schemes (RFC 8252 §7.1, like hh.ru's `myapp://auth`)
 * stay accepted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.1 RFC 8252 §7.1: private-use URI schemes
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1 RFC 9700 §4.1: redirect URI validation
 */
const FORBIDDEN_SCHEMES = new Set([
  'javascript',
  'vbscript',
  'data',
  'file',
  'blob',
  'about',
  'filesystem',
  'view-source',
  'intent',
  'ws',
  'wss',
  'ftp',
]);
/**
 * RFC 3986 pchar plus '/', minus '@' (a userinfo look-alike) and ';': Tomcat, Jetty and Spring
 * strip `;params` from path segments, so `/oauth/..;/admin` reads as `/admin` there.
 */
const PATH_CHARS = charTable("A-Za-z0-9-._~!$&'()*+,=:/");
/** RFC 3986 query characters. */
const QUERY_CHARS = charTable("A-Za-z0-9-._~!$&'()*+,;=:/?@");
const HEX = charTable('0-9A-Fa-f');
const DIGITS = /^[0-9]+$/;

/** A lookup table of allowed ASCII characters, from a character-class body like 'a-z0-9-'. */
function charTable(spec: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) table[c] = 1;
      i += 2;
    } else {
      table[spec.charCodeAt(i)] = 1;
    }
  }
  return table;
}

const hexValue = (c: number) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/** The byte a `%HH` at `i` encodes, or -1 when there is no well-formed escape there. */
function escapeAt(input: string, i: number, end: number): number {
  if (i + 2 >= end || input.charCodeAt(i) !== 0x25) return -1;
  const h = input.charCodeAt(i + 1);
  const l = input.charCodeAt(i + 2);
  if (HEX[h] !== 1 || HEX[l] !== 1) return -1;
  return hexValue(h) * 16 + hexValue(l);
}

const NOT_UTF8 = 'has a percent-encoding that is not well-formed UTF-8 (overlong or invalid)';

/**
 * Checks the percent-escape at `i` (the '%') and, when it opens a multi-byte UTF-8 sequence,
 * the escapes that must complete it: an overlong form (`%c0%ae` for '.') or a lone byte decodes
 * to a separator in one decoder and to U+FFFD in another. In the path, an escape may not hide a
 * '/', '\\', '.', '%', ';' or a control character either (each decodes into something a parser
 * acts on). Returns the index of the escape's last character, or a refusal.
 */
function scanEscape(input: string, i: number, end: number, inPath: boolean): number | Refusal {
  const byte = escapeAt(input, i, end);
  if (byte < 0) {
    return fail('malformed', `has a malformed percent-encoding${inPath ? '' : ' in its query'}`);
  }
  if (byte < 0x80) {
    // Also '%25' and '%3B': a server that decodes twice, or strips `;params`, acts on them.
    if (
      inPath &&
      (byte === 0x2f ||
        byte === 0x5c ||
        byte === 0x2e ||
        byte === 0x25 ||
        byte === 0x3b ||
        byte < 0x20 ||
        byte === 0x7f)
    ) {
      return fail(
        'encoded_separator',
        'has a percent-encoded separator (/ \\ . % ;) or control character',
      );
    }
    return i + 2;
  }
  // RFC 3629 §4: the lead byte fixes how many continuation bytes follow, and their range.
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (byte >= 0xc2 && byte <= 0xdf) need = 1;
  else if (byte === 0xe0) [need, lo] = [2, 0xa0];
  else if (byte === 0xed) [need, hi] = [2, 0x9f];
  else if (byte >= 0xe1 && byte <= 0xef) need = 2;
  else if (byte === 0xf0) [need, lo] = [3, 0x90];
  else if (byte === 0xf4) [need, hi] = [3, 0x8f];
  else if (byte >= 0xf1 && byte <= 0xf3) need = 3;
  else return fail('malformed', NOT_UTF8);
  let last = i + 2;
  for (let k = 0; k < need; k++) {
    const next = escapeAt(input, last + 1, end);
    if (next < lo || next > hi) return fail('malformed', NOT_UTF8);
    lo = 0x80;
    hi = 0xbf;
    last += 3;
  }
  return last;
}

function scanPath(input: string, start: number, end: number): Refusal | undefined {
  let segmentStart = start;
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x2f) {
      if (i > start) {
        const length = i - segmentStart - 1;
        if (length === 0) return fail('empty_segment', 'has an empty path segment (//)');
        if (isDotSegment(input, segmentStart + 1, length))
          return fail('dot_segment', 'has a dot segment');
      }
      segmentStart = i;
    } else if (c === 0x25) {
      const next = scanEscape(input, i, end, true);
      if (typeof next !== 'number') return next;
      i = next;
    } else if (c >= 128 || PATH_CHARS[c] !== 1) {
      if (c === 0x40) return fail('userinfo', 'has an @ in its path');
      if (c === 0x3b) return fail('path_parameter', 'has a ; in its path (path parameters)');
      return fail('non_ascii', 'has characters in its path that must be percent-encoded');
    }
  }
  if (end > start && isDotSegment(input, segmentStart + 1, end - segmentStart - 1)) {
    return fail('dot_segment', 'has a dot segment');
  }
  return undefined;
}

function isDotSegment(input: string, at: number, length: number): boolean {
  return (
    (length === 1 && input.charCodeAt(at) === 0x2e) ||
    (length === 2 && input.charCodeAt(at) === 0x2e && input.charCodeAt(at + 1) === 0x2e)
  );
}

function scanQuery(input: string, start: number): Refusal | undefined {
  for (let i = start; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x25) {
      const next = scanEscape(input, i, input.length, false);
      if (typeof next !== 'number') return next;
      i = next;
    } else if (c >= 128 || QUERY_CHARS[c] !== 1) {
      return fail('non_ascii', 'has characters in its query that must be percent-encoded');
    }
  }
  return undefined;
}

/**
 * Parses one redirect_uri strictly. Exported for tests and for the emulator; most callers want
 * {@link validateRedirectUri}.
 */
export function parseRedirectUri(input: string): ParseResult {
  if (typeof input !== 'string' || input.length === 0) return fail('malformed', 'is empty');
  if (input.length > 2048) return fail('malformed', 'is longer than 2048 characters');
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) {
      return fail('control_character', 'contains whitespace or a control character');
    }
    if (c === 0x5c) return fail('backslash', 'contains a backslash');
    if (c === 0x23) return fail('fragment', 'contains a fragment (#)');
  }

  const colon = input.indexOf(':');
  if (colon <= 0) return fail('malformed', 'is not an absolute URI (no scheme)');
  const scheme = input.slice(0, colon);
  if (!SCHEME.test(scheme)) return fail('malformed', 'has an invalid scheme');
  const lowerScheme = scheme.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(lowerScheme)) {
    return fail(
      'forbidden_scheme',
      `has the scheme ${lowerScheme}:, which is never a redirect target`,
    );
  }
  if (input.charCodeAt(colon + 1) !== 0x2f || input.charCodeAt(colon + 2) !== 0x2f) {
    return fail('malformed', 'is not of the form scheme://host/path');
  }

  const authorityStart = colon + 3;
  let authorityEnd = input.length;
  for (let i = authorityStart; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x2f || c === 0x3f) {
      authorityEnd = i;
      break;
    }
  }
  const authority = input.slice(authorityStart, authorityEnd);
  if (authority.includes('@')) return fail('userinfo', 'contains userinfo (@)');
  if (authority.length === 0) return fail('invalid_host', 'has no host');
  if (authority.includes('%')) return fail('invalid_host', 'has a percent-encoded host');

  // Host and port. An IPv6 literal carries its own colons inside brackets.
  let hostText: string;
  let port = '';
  if (authority.charCodeAt(0) === 0x5b) {
    const close = authority.indexOf(']');
    if (close < 0) return fail('invalid_host', 'has an unterminated IPv6 literal');
    hostText = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest.length > 0) {
      if (rest.charCodeAt(0) !== 0x3a)
        return fail('invalid_host', 'has text after the IPv6 literal');
      port = rest.slice(1);
      if (port.length === 0) return fail('invalid_port', 'has an empty port');
    }
  } else {
    const portColon = authority.indexOf(':');
    if (portColon >= 0) {
      hostText = authority.slice(0, portColon);
      port = authority.slice(portColon + 1);
      if (port.length === 0) return fail('invalid_port', 'has an empty port');
    } else {
      hostText = authority;
    }
  }
  if (port.length > 0) {
    if (!DIGITS.test(port)) return fail('invalid_port', 'has a non-numeric port');
    if (port.length > 1 && port.charCodeAt(0) === 0x30) {
      return fail('invalid_port', 'has a port with leading zeros');
    }
    if (port.length > 5 || Number(port) > 65535)
      return fail('invalid_port', 'has a port above 65535');
  }

  const host = parseHost(hostText, lowerScheme === 'http' || lowerScheme === 'https');
  if (!host.ok) return host;

  // Path and query, in one pass each: a character table, percent-escapes, segments.
  let q = input.indexOf('?', authorityEnd);
  if (q < 0) q = input.length;
  const pathProblem = scanPath(input, authorityEnd, q);
  if (pathProblem !== undefined) return pathProblem;
  const path = input.slice(authorityEnd, q);
  let query: string | undefined;
  if (q < input.length) {
    const queryProblem = scanQuery(input, q + 1);
    if (queryProblem !== undefined) return queryProblem;
    query = input.slice(q + 1);
    const reserved = reservedParameterIn(query);
    if (reserved !== undefined) {
      return fail(
        'reserved_parameter',
        `carries ${reserved}, a parameter of the authorization response itself (RFC 9700 §4.5)`,
      );
    }
  }

  return {
    ok: true,
    uri: { scheme: lowerScheme, host: host.host, hostKind: host.kind, port, path, query },
  };
}
