import fc from 'fast-check';

/**
 * A `redirect_uri` that refines a registered `http(s)` one the way hh.ru allows (docs/hh-protocol.md
 * "redirect_uri rules"): a subdomain, a deeper path, extra query parameters, or all at once.
 * Custom-scheme registrations (`myapp://auth`) get path and query refinements only.
 */
export function validRedirectUriArb(registered = 'http://example.com/oauth'): fc.Arbitrary<string> {
  const url = new URL(registered);
  const special = url.protocol === 'http:' || url.protocol === 'https:';
  // No `??--` label (IDNA reserves them; a random `xn--…` is not valid punycode, and WHATWG URL
  // refuses it).
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((l) => !/^..--/.test(l));
  const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
  const param = fc.tuple(
    fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
    fc.stringMatching(/^[A-Za-z0-9]{0,8}$/),
  );
  return fc
    .record({
      sub: special ? fc.option(label, { nil: undefined }) : fc.constant(undefined),
      path: fc.array(segment, { maxLength: 3 }),
      query: fc.array(param, { maxLength: 3 }),
    })
    .map(({ sub, path, query }) => {
      const base = registered.replace(/\/$/, '');
      const withHost = sub === undefined ? base : base.replace('://', `://${sub}.`);
      const withPath = path.length > 0 ? `${withHost}/${path.join('/')}` : registered;
      const head = path.length > 0 || sub !== undefined ? withPath : registered;
      const search = query.map(([k, v]) => `${k}=${v}`).join('&');
      if (search === '') return head;
      return `${head}${head.includes('?') ? '&' : '?'}${search}`;
    });
}

/** Why a hostile `redirect_uri` must be rejected: one tag per trick. */
export type HostileRedirectKind =
  | 'userinfo'
  | 'backslash'
  | 'encoded_slash'
  | 'encoded_backslash'
  | 'encoded_dot'
  | 'dot_segment'
  | 'whitespace'
  | 'control'
  | 'fragment'
  | 'trailing_dot_host'
  | 'added_port'
  | 'other_scheme'
  | 'look_alike_host'
  | 'path_prefix';

/**
 * A `redirect_uri` that a validator must reject for the given registered `http(s)` URI: every
 * input a URL parser could read two ways, plus the table's plain rejections. Each value is
 * tagged with the trick it uses.
 */
export function hostileRedirectUriArb(
  registered = 'http://example.com/oauth',
): fc.Arbitrary<{ readonly kind: HostileRedirectKind; readonly uri: string }> {
  const url = new URL(registered);
  const scheme = url.protocol; // 'http:'
  const host = url.hostname;
  const path = url.pathname === '/' ? '' : url.pathname;
  const origin = `${scheme}//${host}`;
  const other = scheme === 'https:' ? 'http:' : 'https:';
  const tricks: Record<HostileRedirectKind, fc.Arbitrary<string>> = {
    userinfo: fc.constantFrom(
      `${scheme}//evil.test@${host}${path}`,
      `${scheme}//${host}@evil.test${path}`,
      `${scheme}//${host}:x@evil.test${path}`,
    ),
    backslash: fc.constantFrom(
      `${scheme}//evil.test\\@${host}${path}`,
      `${origin}${path}\\..\\evil`,
      `${scheme}\\\\evil.test${path}`,
    ),
    encoded_slash: fc.constantFrom(
      `${origin}${path}%2F..%2Fevil`,
      `${origin}${path}%2f%2fevil.test`,
    ),
    encoded_backslash: fc.constantFrom(`${origin}${path}%5C..%5Cevil`, `${origin}${path}%5c`),
    encoded_dot: fc.constantFrom(`${origin}${path}/%2E%2E/evil`, `${origin}${path}/%2e%2e`),
    dot_segment: fc.constantFrom(
      `${origin}${path}/../evil`,
      `${origin}${path}/./x`,
      `${origin}${path}/sub/..`,
    ),
    whitespace: fc.constantFrom(
      ` ${origin}${path}`,
      `${origin}${path} `,
      `${origin} ${path}`,
      `${origin}${path}\t`,
    ),
    control: fc
      .integer({ min: 0, max: 0x1f })
      .chain((c) =>
        fc.constantFrom(
          `${origin}${path}${String.fromCharCode(c)}`,
          `${origin}${String.fromCharCode(c)}${path}`,
        ),
      ),
    fragment: fc.constantFrom(
      `${origin}${path}#x`,
      `${origin}${path}#`,
      `${origin}${path}?a=1#@evil.test`,
    ),
    trailing_dot_host: fc.constant(`${scheme}//${host}.${path}`),
    added_port: fc.constantFrom(
      `${scheme}//${host}:80${path}`,
      `${scheme}//${host}:443${path}`,
      `${scheme}//${host}:8080${path}`,
      `${scheme}//${host}:0080${path}`,
    ),
    other_scheme: fc.constantFrom(
      `${other}//${host}${path}`,
      `javascript://${host}${path}`,
      `ftp://${host}${path}`,
    ),
    look_alike_host: fc.constantFrom(
      `${scheme}//www${host}${path}`,
      `${scheme}//${host}.evil.test${path}`,
      `${scheme}//${host.replace(/e/, 'е')}${path}`, // Cyrillic е
      `${scheme}//${host.replace(/o/, '0')}${path}`,
      `${scheme}//xn--80ak6aa92e.com${path}`,
      `${scheme}//${host.toUpperCase()}X${path}`,
    ),
    path_prefix: fc.constantFrom(`${origin}${path}s`, `${origin}/`, `${origin}${path}x/y`),
  };
  return fc.oneof(
    ...Object.entries(tricks).map(([kind, arb]) =>
      arb.map((uri) => ({ kind: kind as HostileRedirectKind, uri })),
    ),
  );
}
