import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRedirectUri, validateRedirectUri } from './redirect-uri.js';

const SAVED = 'http://example.com/oauth';

describe('validateRedirectUri: docs/hh-protocol.md table, verbatim', () => {
  it.each([
    ['http://www.example.com/oauth', 'subdomain'],
    ['http://www.example.com/oauth/sub/path', 'path refinement'],
    ['http://example.com/oauth?lang=RU', 'extra parameter'],
    ['http://www.example.com/oauth/sub/path?lang=RU', 'all at once'],
  ])('allows %s (%s)', (requested) => {
    expect(validateRedirectUri(SAVED, requested)).toEqual({ ok: true });
  });

  it.each([
    ['https://example.com/oauth', 'scheme_mismatch'],
    ['http://wwwexample.com/oauth', 'host_mismatch'],
    ['http://wwwexample.com/', 'host_mismatch'],
    ['http://example.com/oauths', 'path_mismatch'],
    ['http://example.com:80/oauths', 'port_mismatch'],
  ])('rejects %s (%s)', (requested, reason) => {
    expect(validateRedirectUri(SAVED, requested)).toMatchObject({
      ok: false,
      reason,
      which: 'requested',
    });
  });
});

describe('validateRedirectUri: hostile inputs', () => {
  it.each([
    ['http://example.com/oauth', 'ok'],
    ['http://evil.com@example.com/oauth', 'userinfo'],
    ['http://example.com@evil.com/oauth', 'userinfo'],
    ['http://user:pass@example.com/oauth', 'userinfo'],
    ['http://example.com/oauth/@evil.com', 'userinfo'],
    ['http://example.com\\@evil.com/oauth', 'backslash'],
    ['http://example.com/oauth\\..\\evil', 'backslash'],
    ['http://example.com/oauth/%2F%2Fevil.com', 'encoded_separator'],
    ['http://example.com/oauth/%2fevil', 'encoded_separator'],
    ['http://example.com/oauth/%5C', 'encoded_separator'],
    ['http://example.com/oauth/%2E%2E/admin', 'encoded_separator'],
    ['http://example.com/oauth/%2e', 'encoded_separator'],
    ['http://example.com/oauth/%00', 'encoded_separator'],
    ['http://example.com/oauth/../admin', 'dot_segment'],
    ['http://example.com/oauth/./x', 'dot_segment'],
    ['http://example.com/oauth/..', 'dot_segment'],
    ['http://example.com/oauth/..;/admin', 'path_parameter'],
    ['http://example.com/oauth;x=1', 'path_parameter'],
    ['http://example.com/oauth/..%3b/admin', 'encoded_separator'],
    ['http://example.com/oauth/.%3B/x', 'encoded_separator'],
    ['http://example.com/oauth/%252e%252e/admin', 'encoded_separator'],
    ['http://example.com/oauth/%25', 'encoded_separator'],
    ['http://example.com/oauth//evil.com', 'empty_segment'],
    ['http://example.com/oauth/ x', 'control_character'],
    ['http://example.com/oauth\t', 'control_character'],
    ['http://example.com/oauth\n', 'control_character'],
    [' http://example.com/oauth', 'control_character'],
    ['http://example.com/oauth\u0000', 'control_character'],
    ['http://example.com/oauth\u007f', 'control_character'],
    ['http://example.com/oauth/\u00e9', 'non_ascii'],
    ['http://example.com/oauth/\u200b', 'non_ascii'],
    ['http://example.com/oauth#frag', 'fragment'],
    ['http://example.com/oauth#', 'fragment'],
    ['http://example.com./oauth', 'trailing_dot'],
    ['http://www.example.com./oauth', 'trailing_dot'],
    ['http://example.com:80/oauth', 'port_mismatch'],
    ['http://example.com:8080/oauth', 'port_mismatch'],
    ['http://example.com:/oauth', 'invalid_port'],
    ['http://example.com:080/oauth', 'invalid_port'],
    ['http://example.com:99999/oauth', 'invalid_port'],
    ['http://example.com:8o/oauth', 'invalid_port'],
    ['//example.com/oauth', 'malformed'],
    ['/oauth', 'malformed'],
    ['example.com/oauth', 'malformed'],
    ['http:example.com/oauth', 'malformed'],
    ['http:/example.com/oauth', 'malformed'],
    ['http:///oauth', 'invalid_host'],
    ['', 'malformed'],
    ['http://exa%6Dple.com/oauth', 'invalid_host'],
    ['http://example.com%2F@evil/oauth', 'userinfo'],
    ['http://ex_ample.com/oauth', 'invalid_host'],
    ['http://xn--a.example.com/oauth', 'invalid_host'],
    ['http://-example.com/oauth', 'invalid_host'],
    ['http://example..com/oauth', 'invalid_host'],
    ['http://\uff45xample.com/oauth', 'invalid_host'],
    ['http://example\u3002com/oauth', 'invalid_host'],
    ['http://ex\u200bample.com/oauth', 'invalid_host'],
    ['http://\u0435xample.com/oauth', 'host_mismatch'],
    ['http://evil-example.com/oauth', 'host_mismatch'],
    ['http://example.com.evil.com/oauth', 'host_mismatch'],
    ['http://example.co/oauth', 'host_mismatch'],
    ['HTTPS://example.com/oauth', 'scheme_mismatch'],
    ['javascript://example.com/oauth', 'forbidden_scheme'],
    ['http://example.com/oauth%', 'malformed'],
    ['http://example.com/oauth%zz', 'malformed'],
    ['http://example.com/oauth?x=%zz', 'malformed'],
    ['http://example.com/OAUTH', 'path_mismatch'],
    ['http://example.com/', 'path_mismatch'],
    ['http://example.com', 'path_mismatch'],
    ['http://example.com/oauth-x', 'path_mismatch'],
  ])('%j → %s', (requested, reason) => {
    const verdict = validateRedirectUri(SAVED, requested);
    if (reason === 'ok') expect(verdict).toEqual({ ok: true });
    else expect(verdict).toMatchObject({ ok: false, reason });
  });

  it('accepts a host in another case and a scheme in another case', () => {
    expect(validateRedirectUri(SAVED, 'HTTP://WWW.Example.COM/oauth')).toEqual({ ok: true });
  });

  it('keeps registered query parameters, exactly', () => {
    const saved = 'https://app.example.com/cb?tenant=a';
    expect(validateRedirectUri(saved, 'https://app.example.com/cb?tenant=a')).toEqual({ ok: true });
    expect(validateRedirectUri(saved, 'https://app.example.com/cb?lang=RU&tenant=a')).toEqual({
      ok: true,
    });
    for (const bad of [
      'https://app.example.com/cb',
      'https://app.example.com/cb?tenant=b',
      'https://app.example.com/cb?tenant=a&tenant=b',
      'https://app.example.com/cb?tenant=',
      'https://app.example.com/cb?Tenant=a',
    ]) {
      expect(validateRedirectUri(saved, bad)).toMatchObject({
        ok: false,
        reason: 'query_mismatch',
      });
    }
  });

  it('applies the subdomain rule at label boundaries only, and never to IP literals', () => {
    expect(validateRedirectUri('http://127.0.0.1/cb', 'http://127.0.0.1/cb')).toEqual({ ok: true });
    expect(validateRedirectUri('http://0.0.1/cb', 'http://127.0.0.1/cb')).toMatchObject({
      ok: false,
    });
    expect(validateRedirectUri('http://0.0.0.1/cb', 'http://127.0.0.0.1/cb')).toMatchObject({
      ok: false,
    });
    expect(validateRedirectUri('http://127.0.0.1:3000/cb', 'http://127.0.0.1:3000/cb/x')).toEqual({
      ok: true,
    });
    expect(validateRedirectUri('http://127.0.0.1:3000/cb', 'http://127.0.0.1/cb')).toMatchObject({
      reason: 'port_mismatch',
    });
    for (const ip of [
      'http://127.1/cb',
      'http://0x7f.0.0.1/cb',
      'http://0177.0.0.1/cb',
      'http://2130706433/cb',
      'http://127.0.0.01/cb',
    ]) {
      expect(validateRedirectUri('http://127.0.0.1/cb', ip)).toMatchObject({
        ok: false,
        reason: 'invalid_host',
      });
    }
    expect(validateRedirectUri('http://[::1]:8080/cb', 'http://[0:0::1]:8080/cb')).toEqual({
      ok: true,
    });
    expect(validateRedirectUri('http://[::1]/cb', 'http://[::2]/cb')).toMatchObject({
      reason: 'host_mismatch',
    });
    expect(validateRedirectUri('http://localhost/cb', 'http://a.b.localhost/cb')).toEqual({
      ok: true,
    });
  });

  it('compares IDN hosts after punycode', () => {
    const saved = 'https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/cb';
    expect(validateRedirectUri(saved, 'https://xn--e1afmkfd.xn--p1ai/cb')).toEqual({ ok: true });
    expect(validateRedirectUri('https://xn--e1afmkfd.xn--p1ai/cb', saved)).toEqual({ ok: true });
    expect(
      validateRedirectUri(saved, 'https://\u041f\u0420\u0418\u041c\u0415\u0420.\u0440\u0444/cb/x'),
    ).toEqual({ ok: true });
    expect(
      validateRedirectUri(
        saved,
        'https://sub.\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/cb',
      ),
    ).toEqual({ ok: true });
    expect(
      validateRedirectUri('https://m\u00fcnchen.de/cb', 'https://xn--mnchen-3ya.de/cb'),
    ).toEqual({ ok: true });
  });

  it('supports custom schemes for mobile apps', () => {
    expect(validateRedirectUri('myapp://auth', 'myapp://auth')).toEqual({ ok: true });
    expect(validateRedirectUri('myapp://auth', 'myapp://auth/done?x=1')).toEqual({ ok: true });
    expect(validateRedirectUri('myapp://auth', 'otherapp://auth')).toMatchObject({
      reason: 'scheme_mismatch',
    });
    expect(validateRedirectUri('myapp://auth', 'myapp://auths')).toMatchObject({
      reason: 'host_mismatch',
    });
  });

  it('reports a broken registered value as such', () => {
    expect(validateRedirectUri('http://example.com/a/../b', 'http://example.com/b')).toMatchObject({
      ok: false,
      which: 'registered',
      reason: 'dot_segment',
    });
    expect(validateRedirectUri('not a uri', SAVED)).toMatchObject({
      ok: false,
      which: 'registered',
    });
  });

  it('treats a registered path ending in / as the boundary', () => {
    expect(validateRedirectUri('http://example.com/', 'http://example.com/anything/here')).toEqual({
      ok: true,
    });
    expect(validateRedirectUri('http://example.com', 'http://example.com/anything')).toEqual({
      ok: true,
    });
    expect(validateRedirectUri('http://example.com/oauth/', 'http://example.com/oauth/x')).toEqual({
      ok: true,
    });
    expect(
      validateRedirectUri('http://example.com/oauth/', 'http://example.com/oauth'),
    ).toMatchObject({
      reason: 'path_mismatch',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties (10,000 runs each).

const RUNS = { numRuns: 10_000 };
// A-labels (xn--…) must decode as punycode; random ones mostly do not, and are refused.
const label = fc
  .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
  .filter((l) => !l.startsWith('xn--'));
const hostName = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('.')}.com`);
const segment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
const path = fc.array(segment, { maxLength: 3 }).map((ss) => ss.map((s) => `/${s}`).join(''));
const paramWith = (key: RegExp) =>
  fc
    .tuple(fc.stringMatching(key), fc.stringMatching(/^[A-Za-z0-9]{0,5}$/))
    .map(([k, v]) => `${k}=${v}`);
/** Registered parameters use keys a-m, added ones n-z, so an addition never repeats a registered key. */
const param = paramWith(/^[a-m]{1,5}$/);
const extraParam = paramWith(/^[n-z]{1,5}$/);
const query = fc.array(param, { maxLength: 3 }).map((ps) => (ps.length ? `?${ps.join('&')}` : ''));
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map(String), { nil: undefined });
const scheme = fc.constantFrom('http', 'https', 'myapp');

const registered = fc.record({ scheme, host: hostName, port, path, query }).map((r) => ({
  ...r,
  uri: `${r.scheme}://${r.host}${r.port ? `:${r.port}` : ''}${r.path}${r.query}`,
}));

/** A requested URI that refines the registered one: subdomain, sub-path, extra parameters. */
const refinement = registered.chain((r) =>
  fc
    .record({
      sub: fc.option(label, { nil: undefined }),
      more: path,
      extra: fc.array(extraParam, { maxLength: 2 }),
    })
    .map(({ sub, more, extra }) => {
      const params = [...(r.query ? r.query.slice(1).split('&') : []), ...extra];
      const host = sub ? `${sub}.${r.host}` : r.host;
      const uri = `${r.scheme}://${host}${r.port ? `:${r.port}` : ''}${r.path}${more}${params.length ? `?${params.join('&')}` : ''}`;
      return { registered: r, uri };
    }),
);

/** Bypass families: each applied to an allowed URI must be rejected. */
const withHost = (u: string, host: (h: string) => string) =>
  u.replace(/:\/\/([^/:?]+)/, (_m, h: string) => `://${host(h)}`);
const bypass = fc.constantFrom<[string, (u: string, registeredHost: string) => string]>(
  ['userinfo before host', (u) => u.replace('://', '://evil.com@')],
  ['userinfo with password', (u) => u.replace('://', '://a:b@')],
  ['backslash in path', (u) => u.replace(/:\/\/([^/?]+)/, '://$1\\')],
  ['encoded slash', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/%2F')],
  ['encoded backslash', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/%5c')],
  ['encoded dot', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/%2e%2e')],
  ['dot segment', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/..')],
  ['dot segment with a path parameter', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/..;')],
  ['double-encoded dot', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/%252e%252e')],
  ['fragment', (u) => `${u}#x`],
  ['tab', (u) => u.replace('://', '://\t')],
  ['newline at end', (u) => `${u}\n`],
  ['space in path', (u) => u.replace(/:\/\/([^/?]+)/, '://$1/a b')],
  ['trailing dot host', (u) => u.replace(/:\/\/([^/:?]+)/, '://$1.')],
  ['other scheme', (u) => u.replace(/^[a-z]+:/, (s) => (s === 'https:' ? 'http:' : 'https:'))],
  ['look-alike host', (u, r) => withHost(u, () => r.replace(/[a-z0-9](?=[^.]*\.com$)/, '\u0430'))],
  [
    'full-width host',
    (u, r) =>
      withHost(u, () =>
        r.replace(/[a-z0-9](?=[^.]*\.com$)/, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
      ),
  ],
  ['appended host text', (u, r) => withHost(u, () => `${r}evil`)],
  ['prefixed host', (u, r) => withHost(u, () => `evil-${r}`)],
  ['host suffix', (u) => withHost(u, (h) => `${h}.evil.net`)],
  ['empty port', (u) => u.replace(/:\/\/([^/:?]+)(?::\d+)?/, '://$1:')],
  [
    'leading-zero port',
    (u) => u.replace(/:\/\/([^/:?]+)(?::(\d+))?/, (_m, h, p) => `://${h}:0${p ?? '80'}`),
  ],
  [
    'added or changed port',
    (u) =>
      u.replace(/:\/\/([^/:?]+)(?::(\d+))?/, (_m, h, p) => `://${h}:${p === '80' ? '81' : '80'}`),
  ],
  ['control character', (u) => `${u}\u0001`],
  ['not absolute', (u) => u.replace(/^[a-z]+:\/\//, '//')],
  ['double slash path', (u) => u.replace(/:\/\/([^/?]+)/, '://$1//x')],
);

describe('validateRedirectUri: properties', () => {
  it('accepts every refinement of a registered URI', () => {
    fc.assert(
      fc.property(refinement, ({ registered: r, uri }) => {
        expect(validateRedirectUri(r.uri, uri)).toEqual({ ok: true });
      }),
      RUNS,
    );
  });

  it('whatever it accepts keeps the registered scheme, host at a label boundary, port, and path prefix at a / boundary', () => {
    const anyRequested = fc.oneof(
      refinement.map((x) => [x.registered.uri, x.uri] as const),
      fc.tuple(
        registered.map((r) => r.uri),
        fc.string({ maxLength: 60 }),
      ),
      fc.tuple(
        registered.map((r) => r.uri),
        registered.map((r) => r.uri),
      ),
    );
    fc.assert(
      fc.property(anyRequested, ([saved, asked]) => {
        if (!validateRedirectUri(saved, asked).ok) return;
        const s = parseRedirectUri(saved);
        const a = parseRedirectUri(asked);
        if (!s.ok || !a.ok) throw new Error('accepted an unparseable URI');
        expect(a.uri.scheme).toBe(s.uri.scheme);
        expect(a.uri.host === s.uri.host || a.uri.host.endsWith(`.${s.uri.host}`)).toBe(true);
        expect(a.uri.port).toBe(s.uri.port);
        const sp = s.uri.path || '/';
        const ap = a.uri.path || '/';
        expect(ap === sp || ap.startsWith(sp.endsWith('/') ? sp : `${sp}/`)).toBe(true);
        // And the platform's URL parser reads the same origin and a path under the registered one.
        const url = new URL(asked);
        if (a.uri.scheme === 'http' || a.uri.scheme === 'https') {
          const urlPath = url.pathname;
          expect(urlPath === sp || urlPath.startsWith(sp.endsWith('/') ? sp : `${sp}/`)).toBe(true);
          expect(decodeURIComponent(urlPath).split('/')).not.toContain('..');
        }
        expect(url.username + url.password).toBe('');
        expect(url.hash).toBe('');
      }),
      RUNS,
    );
  });

  it('rejects every bypass family applied to an allowed URI', () => {
    fc.assert(
      fc.property(refinement, bypass, ({ registered: r, uri }, [name, apply]) => {
        const hostile = apply(uri, r.host);
        if (hostile === uri) return;
        const verdict = validateRedirectUri(r.uri, hostile);
        expect(verdict.ok, `${name}: ${JSON.stringify(hostile)} against ${r.uri}`).toBe(false);
      }),
      RUNS,
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        (a, b) => {
          const verdict = validateRedirectUri(a, b);
          expect(typeof verdict.ok).toBe('boolean');
        },
      ),
      RUNS,
    );
  });
});
