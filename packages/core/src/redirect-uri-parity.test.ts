import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRedirectUri, validateRedirectUri } from './redirect-uri.js';

/**
 * The findings of the security review, one case each: every one was accepted before, and each
 * would let a browser deliver the code somewhere the registered redirect_uri does not name, or
 * let a callback carry two readings of one parameter.
 */
describe('redirect_uri: what a browser reads is what we compared', () => {
  const refused = (registered: string, requested: string) =>
    expect(validateRedirectUri(registered, requested)).toMatchObject({ ok: false });

  it('maps case the way WHATWG URL does before IDNA, and refuses where readings differ', () => {
    // 'ΑΣ'.toLowerCase() is 'ας' (final sigma); UTS #46 maps Σ to σ: x.ασ is another domain.
    refused('https://x.\u03b1\u03c2/cb', 'https://x.\u0391\u03a3/cb');
    // ẞ lower-cases to ß, but the platform's URL maps it to "ss": faß.de is not fass.de.
    refused('https://fa\u00df.de/cb', 'https://fa\u1e9e.de/cb');
    // The Kelvin sign lower-cases to an ASCII k: a silent mapping, refused rather than guessed.
    refused('https://key.example/cb', 'https://\u212aey.example/cb');
    expect(parseRedirectUri('https://\u212aey.example/cb')).toMatchObject({ ok: false });
    // Where the mapping is the same for everyone, it stays accepted.
    expect(validateRedirectUri('https://x.\u03b1\u03c3/cb', 'https://x.\u0391\u03a3/cb')).toEqual({
      ok: true,
    });
  });

  it('refuses IDNA deviation characters, which IDNA 2003 and 2008 read two ways', () => {
    for (const host of ['fa\u00df.de', 'x.\u03b1\u03c2', 'a\u200db.example', 'a\u200cb.example']) {
      expect(parseRedirectUri(`https://${host}/cb`)).toMatchObject({
        ok: false,
        reason: 'invalid_host',
      });
    }
  });

  it('compares registered query parameters after decoding', () => {
    const saved = 'https://example.com/cb?tenant=a';
    refused(saved, 'https://example.com/cb?%74enant=evil&tenant=a');
    refused(saved, 'https://example.com/cb?tenant=a&%74enant=evil');
    refused(saved, 'https://example.com/cb?tenant%5B%5D=evil&tenant=a');
    refused(saved, 'https://example.com/cb?tenant[]=evil&tenant=a');
    refused(saved, 'https://example.com/cb?tenant[x]=evil&tenant=a');
    refused(saved, 'https://example.com/cb?x=1;tenant=evil&tenant=a');
    refused(saved, 'https://example.com/cb?tenant=a;tenant=evil');
    refused('https://example.com/cb?q=a+b', 'https://example.com/cb?q=a%20b');
    // Same bytes after decoding, read the same by every decoder: accepted.
    expect(validateRedirectUri(saved, 'https://example.com/cb?tenant=%61')).toEqual({ ok: true });
    expect(validateRedirectUri(saved, 'https://example.com/cb?lang=RU&tenant=a')).toEqual({
      ok: true,
    });
  });

  it('refuses the authorization response parameters in any redirect_uri', () => {
    for (const query of [
      'code=x',
      'state=x',
      'error=x',
      'iss=x',
      'error_description=x',
      '%63ode=x',
      'Code=x',
      'code%5B%5D=x',
      'x=1;code=x',
      'st%61te=x',
    ]) {
      expect(parseRedirectUri(`https://example.com/cb?${query}`)).toMatchObject({
        ok: false,
        reason: 'reserved_parameter',
      });
      refused('https://example.com/cb', `https://example.com/cb?${query}`);
    }
    expect(validateRedirectUri('https://example.com/cb', 'https://example.com/cb?codes=1')).toEqual(
      { ok: true },
    );
  });

  it('refuses schemes a browser would run, read locally or not treat as a redirect target', () => {
    for (const scheme of [
      'javascript',
      'JavaScript',
      'vbscript',
      'file',
      'data',
      'blob',
      'about',
      'filesystem',
      'ws',
      'wss',
    ]) {
      expect(parseRedirectUri(`${scheme}://example.com/cb`)).toMatchObject({
        ok: false,
        reason: 'forbidden_scheme',
      });
    }
    // Private-use schemes (RFC 8252 §7.1), like hh.ru's own myapp://auth, stay accepted.
    expect(validateRedirectUri('myapp://auth', 'myapp://auth/done')).toEqual({ ok: true });
    expect(validateRedirectUri('ru.example.app://oauth', 'ru.example.app://oauth')).toEqual({
      ok: true,
    });
  });

  it('refuses overlong and invalid UTF-8 in percent-encodings', () => {
    for (const bad of [
      'https://example.com/cb/%c0%ae%c0%ae/x',
      'https://example.com/cb/%c0%afx',
      'https://example.com/cb/%e0%80%ae',
      'https://example.com/cb/%ff',
      'https://example.com/cb/%ed%a0%80',
      'https://example.com/cb/%c3',
      'https://example.com/cb/%c3x',
      'https://example.com/cb?x=%c0%ae',
      'https://example.com/cb?x=%80',
    ]) {
      expect(parseRedirectUri(bad), bad).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(validateRedirectUri('https://example.com/cb', 'https://example.com/cb/%d1%8f')).toEqual({
      ok: true,
    });
  });

  it('reads a last label of 0x and hex digits as WHATWG does: an IPv4 number, not a name', () => {
    // Found by the differential property below: WHATWG URL refuses https://a.0x/ outright.
    for (const host of ['a.0x', 'a.0xff', 'example.0x1']) {
      expect(() => new URL(`https://${host}/cb`)).toThrow();
      expect(parseRedirectUri(`https://${host}/cb`)).toMatchObject({ ok: false });
    }
  });

  it("keeps a custom scheme's host as written, as WHATWG does for an opaque host", () => {
    refused('myapp://auth', 'myapp://AUTH');
    refused('myapp://Auth', 'myapp://auth');
    expect(validateRedirectUri('myapp://Auth', 'myapp://Auth/x')).toEqual({ ok: true });
    expect(new URL('myapp://AUTH').host).toBe('AUTH');
  });
});

// ---------------------------------------------------------------------------------------------
// Differential property: whenever we accept, WHATWG URL reads the requested URI as a refinement
// of the registered one — the same scheme, host (or a subdomain), port, path (or a sub-path), and
// every registered query parameter with exactly its values.

const RUNS = { numRuns: 100_000 };

const tricky = [
  '\u0391',
  '\u03a3',
  '\u03c3',
  '\u03c2',
  '\u1e9e',
  '\u00df',
  '\u212a',
  '\u0130',
  '\u0131',
  '\uff45',
  '\u3002',
  '\u200b',
  '\u200d',
  '\u0435',
  '\u00fc',
  '\u00dc',
  '\u043f',
  '\u041f',
  'A',
  'K',
  'S',
  '-',
  '.',
  '%',
  'xn--',
];
const labelChar = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789') },
  { weight: 1, arbitrary: fc.constantFrom(...tricky) },
);
const label = fc.array(labelChar, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));
const scheme = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('http', 'https', 'myapp') },
  { weight: 1, arbitrary: fc.constantFrom('HTTPS', 'MyApp', 'javascript', 'file', 'wss') },
);
const port = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', ':8080') },
  { weight: 1, arbitrary: fc.constantFrom(':80', ':443', ':0', ':08080') },
);
const segmentChar = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...'abcXYZ019-_~') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%41',
      '%2e',
      '%2f',
      '%c0%ae',
      '%d1%8f',
      '%ff',
      '.',
      ';',
      '@',
      ':',
      '%25',
    ),
  },
);
const segment = fc.array(segmentChar, { minLength: 0, maxLength: 4 }).map((cs) => cs.join(''));
const path = fc
  .array(segment, { maxLength: 3 })
  .map((ss) => (ss.length === 0 ? '' : `/${ss.join('/')}`));
const keyText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('tenant', 'lang', 'x', 'q') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'tenant',
      '%74enant',
      'tenant%5B%5D',
      'tenant[]',
      'Tenant',
      'lang',
      'code',
      '%63ode',
      'state',
      'x',
      'q',
    ),
  },
);
const valueText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', '') },
  { weight: 1, arbitrary: fc.constantFrom('%61', 'a+b', 'a%20b', 'a%2Bb', '%c0%ae', 'evil') },
);
const pair = fc.tuple(keyText, valueText).map(([k, v]) => `${k}=${v}`);
const query = fc.option(
  fc
    .tuple(fc.array(pair, { maxLength: 3 }), fc.constantFrom('&', '&', '&', ';'))
    .map(([ps, sep]) => `?${ps.join(sep)}`),
  { nil: '' },
);
const uri = fc
  .tuple(scheme, host, port, path, query)
  .map(([s, h, p, pa, q]) => `${s}://${h}${p}${pa}${q}`);

/** A requested URI derived from the registered one, so that acceptance is not vanishingly rare. */
const derived = (registered: string) =>
  fc
    .tuple(
      fc.option(label, { nil: undefined }),
      fc.boolean(),
      path,
      fc.array(pair, { maxLength: 2 }),
      fc.constantFrom('&', '&', '&', ';'),
    )
    .map(([sub, upper, extraPath, extra, sep]) => {
      const m = /^([^:]+:\/\/)([^/?:]*)([^/?]*)([^?]*)(\?.*)?$/.exec(registered);
      if (!m) return registered;
      const [, head = '', h = '', p = '', pa = '', q = ''] = m;
      const hostPart = `${sub === undefined ? '' : `${sub}.`}${upper ? h.toUpperCase() : h}`;
      const joined = [q.slice(1), ...extra].filter((x) => x !== '').join(sep);
      return `${head}${hostPart}${p}${pa}${extraPath}${joined === '' ? '' : `?${joined}`}`;
    });

const SPECIAL = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);
const RESERVED = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss']);

function browserAgrees(registered: string, requested: string): void {
  const r = new URL(registered);
  const q = new URL(requested);
  expect(q.protocol).toBe(r.protocol);
  if (q.hostname !== r.hostname) {
    expect(SPECIAL.has(r.protocol) || r.hostname !== '').toBe(true);
    expect(q.hostname.endsWith(`.${r.hostname}`)).toBe(true);
    expect(r.hostname).not.toMatch(/^[\d.]+$|^\[/);
  }
  expect(q.port).toBe(r.port);
  // An explicit default port is erased by WHATWG: it must not have been written.
  expect(/:\d+/.test(requested.split('/')[2] ?? '')).toBe(
    /:\d+/.test(registered.split('/')[2] ?? ''),
  );
  const rp = r.pathname === '' ? '/' : r.pathname;
  const qp = q.pathname === '' ? '/' : q.pathname;
  if (qp !== rp) expect(qp.startsWith(rp.endsWith('/') ? rp : `${rp}/`)).toBe(true);
  for (const key of new Set(r.searchParams.keys())) {
    expect(q.searchParams.getAll(key)).toEqual(r.searchParams.getAll(key));
  }
  for (const key of q.searchParams.keys()) {
    expect(RESERVED.has(key.toLowerCase().replace(/\[.*$/, ''))).toBe(false);
  }
}

describe('redirect_uri: differential property against WHATWG URL', () => {
  it(`whenever we accept, the platform's URL reads a refinement of the registered URI (${RUNS.numRuns} runs)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        uri.chain((registered) =>
          fc.tuple(fc.constant(registered), fc.oneof(derived(registered), uri)),
        ),
        ([registered, requested]) => {
          if (!validateRedirectUri(registered, requested).ok) return;
          accepted++;
          browserAgrees(registered, requested);
        },
      ),
      RUNS,
    );
    // The property is only as good as its accepted cases: a fair share must be accepted.
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 20);
  });
});
