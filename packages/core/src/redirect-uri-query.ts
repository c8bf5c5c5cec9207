/**
 * The query of a redirect_uri, read the way the servers behind it read it. Servers disagree:
 * WHATWG `URLSearchParams` splits on `&` and turns `+` into a space, others split on `;` too,
 * keep `+`, or read `key[]` as `key` (PHP, Rails, qs). A registered parameter must come back with
 * exactly its registered values under every one of those readings, and no reading may find one
 * of the authorization response's own parameters.
 *
 * @see https://url.spec.whatwg.org/#urlencoded-parsing WHATWG URL: application/x-www-form-urlencoded
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.5 RFC 9700 §4.5: authorization code injection
 */

/**
 * The authorization response's parameters (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207 `iss`): a
 * redirect_uri that already carries one makes the callback carry two.
 */
const RESERVED = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss']);

/** A cheap pre-check: a reserved key can only appear spelled out or behind a percent-escape. */
const MAY_HOLD_RESERVED = /%|code|state|error|iss/i;

type Pair = readonly [key: string, value: string];

/** Percent-decodes one component; `+` as a space or as itself. Escapes are already checked UTF-8. */
function decode(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace && text.includes('+') ? text.replaceAll('+', ' ') : text;
  return spaced.includes('%') ? decodeURIComponent(spaced) : spaced;
}

function pairs(query: string, separators: RegExp, plusIsSpace: boolean): Pair[] {
  const out: Pair[] = [];
  for (const part of query.split(separators)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decode(key, plusIsSpace), decode(value, plusIsSpace)]);
  }
  return out;
}

/** What a lenient framework takes a key for: case folded, `[…]` suffix and padding dropped. */
const baseKey = (key: string) => {
  const bracket = key.indexOf('[');
  return (bracket < 0 ? key : key.slice(0, bracket)).trim().toLowerCase();
};

/** The first authorization response parameter any reading of the query finds, if any. */
export function reservedParameterIn(query: string): string | undefined {
  // Most queries name none of them, not even encoded: one scan settles it.
  if (!MAY_HOLD_RESERVED.test(query)) return undefined;
  for (const plusIsSpace of [true, false]) {
    for (const [key] of pairs(query, /[&;]/, plusIsSpace)) {
      const base = baseKey(key);
      if (RESERVED.has(base)) return base;
    }
  }
  return undefined;
}

/**
 * Every registered parameter comes back with exactly its registered values, in order, under
 * both readings of `+`; nothing that a lenient reader would take for a registered key (another
 * case, a `[]` suffix, a `;`-separated pair) is added.
 */
export function keepsRegisteredQuery(saved: string, asked: string): boolean {
  if (saved.includes(';') || asked.includes(';')) return false;
  for (const plusIsSpace of [true, false]) {
    const want = group(pairs(saved, /&/, plusIsSpace));
    const got = new Map<string, string[]>();
    const lenient = new Set([...want.keys()].map(baseKey));
    for (const [key, value] of pairs(asked, /&/, plusIsSpace)) {
      if (want.has(key)) {
        const list = got.get(key);
        if (list) list.push(value);
        else got.set(key, [value]);
      } else if (lenient.has(baseKey(key))) {
        return false;
      }
    }
    for (const [key, values] of want) {
      const seen = got.get(key);
      if (!seen || seen.length !== values.length || seen.some((v, i) => v !== values[i])) {
        return false;
      }
    }
  }
  return true;
}

function group(list: readonly Pair[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of list) {
    const values = map.get(key);
    if (values) values.push(value);
    else map.set(key, [value]);
  }
  return map;
}
