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

/** Why a redirect_uri was rejected: stable codes, safe to match on. */
export type RedirectUriRejection =
  /** Not an absolute `scheme://authority…` URI, or syntax that cannot be read one way only. */
  | 'malformed'
  | 'userinfo'
  | 'backslash'
  | 'encoded_separator'
  | 'dot_segment'
  /** A `;` in the path: some servers strip `;params`, so `..;` acts as `..`. */
  | 'path_parameter'
  | 'empty_segment'
  | 'control_character'
  | 'non_ascii'
  | 'fragment'
  | 'invalid_host'
  | 'trailing_dot'
  | 'invalid_port'
  | 'scheme_mismatch'
  | 'host_mismatch'
  | 'port_mismatch'
  | 'path_mismatch'
  | 'query_mismatch';

export type RedirectUriVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: RedirectUriRejection;
      /** Which argument failed: the saved (registered) value, or the requested one. */
      readonly which: 'registered' | 'requested';
      readonly message: string;
    };

/** A redirect_uri split into the parts hh.ru's rules compare; every part already canonical. */
export interface ParsedRedirectUri {
  /** Lower-cased. */
  readonly scheme: string;
  /** Lower-cased ASCII (IDN labels in punycode); IPv6 literals keep their brackets. */
  readonly host: string;
  readonly hostKind: 'name' | 'ipv4' | 'ipv6';
  /** The port exactly as written (no leading zeros allowed), or '' when absent. */
  readonly port: string;
  /** As written; '' when absent. */
  readonly path: string;
  /** Without the '?'; undefined when there is no '?'. */
  readonly query: string | undefined;
}

type ParseResult =
  | { readonly ok: true; readonly uri: ParsedRedirectUri }
  | { readonly ok: false; readonly reason: RedirectUriRejection; readonly message: string };

const fail = (reason: RedirectUriRejection, message: string): ParseResult => ({
  ok: false,
  reason,
  message,
});

const SCHEME = /^[a-z][a-z0-9+.-]*$/i;
/** RFC 3986 pchar plus '/' minus '@' (kept out so nothing can pass for userinfo) and '\\'. */
/**
 * RFC 3986 pchar plus '/', minus '@' (a userinfo look-alike) and ';': Tomcat, Jetty and Spring
 * strip `;params` from path segments, so `/oauth/..;/admin` reads as `/admin` there.
 */
const PATH_CHARS = charTable("A-Za-z0-9-._~!$&'()*+,=:/");
/** RFC 3986 query characters. */
const QUERY_CHARS = charTable("A-Za-z0-9-._~!$&'()*+,;=:/?@");
const HEX = charTable('0-9A-Fa-f');
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const DIGITS = /^[0-9]+$/;
const IPV4_PART = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;
const NUMERIC_LIKE = /^(?:0x[0-9a-f]*|[0-9]+)$/;

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

/**
 * Checks a percent-escape at `i` (the '%'): well-formed, and not a '/', '\\', '.' or a control
 * character in disguise (each decodes into a separator some parser would act on).
 */
function scanEscape(input: string, i: number, end: number): ParseResult | undefined {
  const h = input.charCodeAt(i + 1);
  const l = input.charCodeAt(i + 2);
  if (i + 2 >= end || !(HEX[h] === 1) || !(HEX[l] === 1)) {
    return fail('malformed', 'has a malformed percent-encoding');
  }
  const byte = hexValue(h) * 16 + hexValue(l);
  // Also '%25' and '%3B': a server that decodes twice, or strips `;params`, acts on them.
  if (
    byte === 0x2f ||
    byte === 0x5c ||
    byte === 0x2e ||
    byte === 0x25 ||
    byte === 0x3b ||
    byte < 0x20 ||
    byte === 0x7f
  ) {
    return fail(
      'encoded_separator',
      'has a percent-encoded separator (/ \\ . % ;) or control character',
    );
  }
  return undefined;
}

function scanPath(input: string, start: number, end: number): ParseResult | undefined {
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
      const problem = scanEscape(input, i, end);
      if (problem !== undefined) return problem;
      i += 2;
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

function scanQuery(input: string, start: number): ParseResult | undefined {
  for (let i = start; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x25) {
      const h = input.charCodeAt(i + 1);
      const l = input.charCodeAt(i + 2);
      if (i + 2 >= input.length || HEX[h] !== 1 || HEX[l] !== 1) {
        return fail('malformed', 'has a malformed percent-encoding in its query');
      }
      i += 2;
    } else if (c >= 128 || QUERY_CHARS[c] !== 1) {
      return fail('non_ascii', 'has characters in its query that must be percent-encoded');
    }
  }
  return undefined;
}

const HOST_OK = 0;
const HOST_SLOW = 1;
/**
 * The common case in one pass: lower-case ASCII labels of [a-z0-9-], 1–63 long, no hyphen at
 * either end, the last one not numeric. Anything else takes the careful path.
 */
function scanAsciiHost(host: string): typeof HOST_OK | typeof HOST_SLOW {
  if (host.length > 253) return HOST_SLOW;
  let labelStart = 0;
  let digitsOnly = true;
  for (let i = 0; i <= host.length; i++) {
    const c = i === host.length ? 0x2e : host.charCodeAt(i);
    if (c === 0x2e) {
      const length = i - labelStart;
      if (length === 0 || length > 63) return HOST_SLOW;
      // An A-label (punycode) must decode: the careful path asks the platform.
      if (host.startsWith('xn--', labelStart)) return HOST_SLOW;
      if (host.charCodeAt(labelStart) === 0x2d || host.charCodeAt(i - 1) === 0x2d) return HOST_SLOW;
      if (i === host.length && digitsOnly) return HOST_SLOW;
      labelStart = i + 1;
      digitsOnly = true;
    } else if (c >= 0x30 && c <= 0x39) {
      // digit
    } else if ((c >= 0x61 && c <= 0x7a) || c === 0x2d) {
      digitsOnly = false;
    } else {
      return HOST_SLOW;
    }
  }
  return HOST_OK;
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

  const host = parseHost(hostText);
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
  }

  return {
    ok: true,
    uri: { scheme: scheme.toLowerCase(), host: host.host, hostKind: host.kind, port, path, query },
  };
}

type HostResult =
  | { readonly ok: true; readonly host: string; readonly kind: ParsedRedirectUri['hostKind'] }
  | { readonly ok: false; readonly reason: RedirectUriRejection; readonly message: string };

function parseHost(text: string): HostResult {
  if (text.length === 0) return { ok: false, reason: 'invalid_host', message: 'has no host' };
  const lower = text.toLowerCase();
  if (lower.charCodeAt(0) === 0x5b) {
    if (!IPV6.test(lower)) {
      return { ok: false, reason: 'invalid_host', message: 'has an invalid IPv6 literal' };
    }
    // Let the platform check the literal; compare its canonical form.
    try {
      return { ok: true, host: new URL(`http://${lower}/`).hostname, kind: 'ipv6' };
    } catch {
      return { ok: false, reason: 'invalid_host', message: 'has an invalid IPv6 literal' };
    }
  }
  if (lower.endsWith('.')) {
    return { ok: false, reason: 'trailing_dot', message: 'has a host ending in a dot' };
  }
  const fast = scanAsciiHost(lower);
  if (fast === HOST_OK) return { ok: true, host: lower, kind: 'name' };
  const labels = lower.split('.');
  const last = labels[labels.length - 1] ?? '';
  if (NUMERIC_LIKE.test(last)) {
    // Only the canonical dotted quad: 127.1, 0x7f.0.0.1 and 0177.0.0.1 all read as 127.0.0.1.
    if (labels.length === 4 && labels.every((l) => IPV4_PART.test(l))) {
      return { ok: true, host: lower, kind: 'ipv4' };
    }
    return {
      ok: false,
      reason: 'invalid_host',
      message: 'has a host that reads as a non-canonical IP',
    };
  }
  let ascii = true;
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) > 0x7e) {
      ascii = false;
      break;
    }
  }
  const canonical = ascii
    ? lower.includes('xn--')
      ? checkALabels(lower)
      : lower
    : toAsciiHost(lower);
  if (canonical === undefined) {
    return {
      ok: false,
      reason: 'invalid_host',
      message: 'has an internationalized host that maps to another host (look-alike)',
    };
  }
  for (const label of canonical.split('.')) {
    if (!LABEL.test(label)) {
      return { ok: false, reason: 'invalid_host', message: 'has an invalid host name' };
    }
  }
  if (canonical.length > 253) {
    return { ok: false, reason: 'invalid_host', message: 'has a host name that is too long' };
  }
  return { ok: true, host: canonical, kind: 'name' };
}

/** An ASCII host with punycode labels, if the platform reads it unchanged (the labels decode). */
function checkALabels(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname === host ? host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An internationalized host in punycode, or undefined when the platform's IDNA mapping would
 * change any character (full-width letters, compatibility forms, other dots): such a host reads
 * two ways, so it is refused instead of being mapped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3492 RFC 3492: Punycode
 */
function toAsciiHost(unicodeHost: string): string | undefined {
  let mapped: string;
  try {
    mapped = new URL(`http://${unicodeHost}/`).hostname;
  } catch {
    return undefined;
  }
  const ours = unicodeHost
    .split('.')
    .map((label) => (/^[\x00-\x7f]*$/.test(label) ? label : `xn--${punycode(label)}`))
    .join('.');
  return ours === mapped ? mapped : undefined;
}

/** RFC 3492 §6.3 encoding (the label must already be lower-case, NFC). */
function punycode(input: string): string {
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  const codePoints = Array.from(input, (ch) => ch.codePointAt(0) ?? 0);
  let output = codePoints
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('');
  const basicLength = output.length;
  let handled = basicLength;
  if (basicLength > 0) output += '-';
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  const digit = (d: number) => String.fromCharCode(d + (d < 26 ? 97 : 22));
  const adapt = (d: number, points: number, first: boolean) => {
    let k = 0;
    d = first ? Math.floor(d / 700) : d >> 1;
    d += Math.floor(d / points);
    while (d > ((base - tMin) * tMax) >> 1) {
      d = Math.floor(d / (base - tMin));
      k += base;
    }
    return k + Math.floor(((base - tMin + 1) * d) / (d + 38));
  };
  while (handled < codePoints.length) {
    let m = Number.MAX_SAFE_INTEGER;
    for (const c of codePoints) if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of codePoints) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = base; ; k += base) {
          const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
          if (q < t) break;
          output += digit(t + ((q - t) % (base - t)));
          q = Math.floor((q - t) / (base - t));
        }
        output += digit(q);
        bias = adapt(delta, handled + 1, handled === basicLength);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return output;
}

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
    if (!keepsQuery(saved.query, asked.query ?? '')) {
      return [
        'query_mismatch',
        'the requested redirect_uri drops or changes a registered parameter',
      ];
    }
  }
  return undefined;
}

/** Every registered parameter must come back with exactly its registered values, in order. */
function keepsQuery(saved: string, asked: string): boolean {
  const want = new Map<string, string[]>();
  for (const pair of saved.split('&')) {
    if (pair === '') continue;
    const key = pair.split('=', 1)[0] ?? '';
    const list = want.get(key);
    if (list) list.push(pair);
    else want.set(key, [pair]);
  }
  const got = new Map<string, string[]>();
  for (const pair of asked.split('&')) {
    const key = pair.split('=', 1)[0] ?? '';
    if (!want.has(key)) continue;
    const list = got.get(key);
    if (list) list.push(pair);
    else got.set(key, [pair]);
  }
  for (const [key, pairs] of want) {
    const seen = got.get(key);
    if (!seen || seen.length !== pairs.length || seen.some((p, i) => p !== pairs[i])) return false;
  }
  return true;
}
