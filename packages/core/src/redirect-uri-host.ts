import type { ParsedRedirectUri, RedirectUriRejection } from './redirect-uri-types.js';

/**
 * The host of a redirect_uri, read the way WHATWG `URL` (every browser, Node, Deno, Bun) reads it,
 * and refused wherever that reading is not the only one: a host that case mapping, IDNA mapping
 * or IP-address parsing could turn into another host is not guessed at.
 *
 * @see https://url.spec.whatwg.org/#host-parsing WHATWG URL: host parsing
 * @see https://www.unicode.org/reports/tr46/ UTS #46: IDNA compatibility processing
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1 RFC 9700 §4.1: redirect URI validation
 */

export type HostResult =
  | { readonly ok: true; readonly host: string; readonly kind: ParsedRedirectUri['hostKind'] }
  | { readonly ok: false; readonly reason: RedirectUriRejection; readonly message: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const OPAQUE_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV4_PART = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;
const NUMERIC_LIKE = /^(?:0x[0-9a-f]*|[0-9]+)$/;

/**
 * IDNA's deviation characters: IDNA 2003 (transitional processing) maps them away, IDNA 2008
 * and WHATWG keep them, so `faß.de` is `fass.de` to one resolver and `xn--fa-hia.de` to another.
 *
 * @see https://www.unicode.org/reports/tr46/#Deviations UTS #46 §2.3: deviations
 */
const DEVIATIONS = new Set([0xdf, 0x3c2, 0x200c, 0x200d]);

const refuse = (message: string): HostResult => ({ ok: false, reason: 'invalid_host', message });

/**
 * Reads a host. `special` is true for `http`/`https`, whose hosts WHATWG lower-cases and maps
 * through IDNA; a private-use scheme's host is opaque to WHATWG and kept exactly as written.
 */
export function parseHost(text: string, special: boolean): HostResult {
  if (text.length === 0) return refuse('has no host');
  if (text.charCodeAt(0) === 0x5b) return parseIpv6(text.toLowerCase());
  if (text.endsWith('.')) {
    return { ok: false, reason: 'trailing_dot', message: 'has a host ending in a dot' };
  }
  if (!special) return parseOpaqueHost(text);
  // The common case, already canonical (lower-case ASCII labels): one pass, no copy.
  if (scanAsciiHost(text) === HOST_OK) return { ok: true, host: text, kind: 'name' };
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7e) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const lower = text.toLowerCase();
    if (scanAsciiHost(lower) === HOST_OK) return { ok: true, host: lower, kind: 'name' };
    const ip = readIpv4(lower);
    if (ip !== undefined) return ip;
    return checkName(lower.includes('xn--') ? checkALabels(lower) : lower);
  }
  return checkName(toAsciiHost(text));
}

function parseIpv6(lower: string): HostResult {
  if (!IPV6.test(lower)) return refuse('has an invalid IPv6 literal');
  // Let the platform check the literal; compare its canonical form.
  try {
    return { ok: true, host: new URL(`http://${lower}/`).hostname, kind: 'ipv6' };
  } catch {
    return refuse('has an invalid IPv6 literal');
  }
}

/**
 * A private-use scheme's host (`myapp://auth`): ASCII labels, compared as written. WHATWG does
 * not lower-case an opaque host, so `myapp://AUTH` is another URI to the browser.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.1 RFC 8252 §7.1: private-use URI schemes
 */
function parseOpaqueHost(text: string): HostResult {
  const labels = text.split('.');
  if (NUMERIC_LIKE.test((labels[labels.length - 1] ?? '').toLowerCase())) {
    const ip = readIpv4(text);
    return ip ?? refuse('has a host that reads as a non-canonical IP');
  }
  if (text.length > 253 || !labels.every((label) => OPAQUE_LABEL.test(label))) {
    return refuse('has an invalid host name');
  }
  return { ok: true, host: text, kind: 'name' };
}

/** A host whose last label is numeric is an IPv4 address: only the canonical dotted quad. */
function readIpv4(host: string): HostResult | undefined {
  const labels = host.split('.');
  if (!NUMERIC_LIKE.test(labels[labels.length - 1] ?? '')) return undefined;
  // 127.1, 0x7f.0.0.1 and 0177.0.0.1 all read as 127.0.0.1.
  if (labels.length === 4 && labels.every((l) => IPV4_PART.test(l))) {
    return { ok: true, host, kind: 'ipv4' };
  }
  return refuse('has a host that reads as a non-canonical IP');
}

function checkName(canonical: string | undefined): HostResult {
  if (canonical === undefined) {
    return refuse('has an internationalized host that maps to another host (look-alike)');
  }
  for (const label of canonical.split('.')) {
    if (!LABEL.test(label)) return refuse('has an invalid host name');
  }
  if (canonical.length > 253) return refuse('has a host name that is too long');
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
 * An internationalized host in punycode, or undefined when it can be read two ways. Our reading
 * lower-cases each code point on its own (no context: `String#toLowerCase` turns a final `Σ`
 * into `ς`, UTS #46 into `σ`) and maps nothing else; the platform's reading is WHATWG `URL` on
 * the host as written. They must agree, and no step may be one that resolvers disagree on:
 * a deviation character, or a non-ASCII character that lower-cases into ASCII (the Kelvin sign
 * `K` into `k`).
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
  const labels: string[] = [];
  for (const label of unicodeHost.split('.')) {
    let lower = '';
    let ascii = true;
    for (const ch of label) {
      const code = ch.codePointAt(0) ?? 0;
      const mappedCh = ch.toLowerCase();
      if (code >= 0x80) {
        ascii = false;
        if (DEVIATIONS.has(code)) return undefined;
        for (const out of mappedCh) {
          const c = out.codePointAt(0) ?? 0;
          if (c < 0x80 || DEVIATIONS.has(c)) return undefined;
        }
      }
      lower += mappedCh;
    }
    labels.push(ascii ? lower : `xn--${punycode(lower)}`);
  }
  const ours = labels.join('.');
  return ours === mapped ? mapped : undefined;
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
      // WHATWG reads a last label of digits, or 0x and hex digits ("0x" alone too), as IPv4.
      if (
        i === host.length &&
        (digitsOnly ||
          (host.charCodeAt(labelStart) === 0x30 && host.charCodeAt(labelStart + 1) === 0x78))
      ) {
        return HOST_SLOW;
      }
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
