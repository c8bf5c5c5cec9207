// validateRedirectUri and parseCallback beside a bare `new URL()` on the same inputs, in one run.
// Run with `pnpm bench` (builds first); reads the built dist/.
import { parseCallback, validateRedirectUri } from '../dist/index.js';

const REGISTERED = 'http://example.com/oauth';
const INPUTS = [
  'http://www.example.com/oauth',
  'http://www.example.com/oauth/sub/path',
  'http://example.com/oauth?lang=RU',
  'http://www.example.com/oauth/sub/path?lang=RU',
  'https://example.com/oauth',
  'http://wwwexample.com/oauth',
  'http://example.com/oauths',
  'http://example.com:80/oauths',
];
const CALLBACKS = INPUTS.map(
  (u, i) => `${u}${u.includes('?') ? '&' : '?'}code=CODE${i}&state=STATE`,
);

/** Median ops/s of `fn` over `rounds` rounds of about `ms` each. */
function measure(fn, { rounds = 7, ms = 300 } = {}) {
  for (let i = 0; i < 20_000; i++) fn(i); // warm-up
  const results = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < 1000; i++) fn(n++);
      elapsed = performance.now() - start;
    }
    results.push((n / elapsed) * 1000);
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

let sink = 0;
const url = measure((i) => {
  sink += new URL(INPUTS[i & 7]).href.length;
});
const validate = measure((i) => {
  sink += validateRedirectUri(REGISTERED, INPUTS[i & 7]).ok ? 1 : 0;
});
const urlCallback = measure((i) => {
  sink += new URL(CALLBACKS[i & 7]).href.length;
});
const callback = measure((i) => {
  sink += parseCallback(CALLBACKS[i & 7], { expectedState: 'STATE' }).code.length;
});

const fmt = (n) => `${(n / 1e6).toFixed(2)} M ops/s`;
console.log('core: redirect_uri and callback parsing (median of 7 rounds)');
console.table([
  { case: 'new URL(requested)  [baseline]', 'ops/s': fmt(url), ratio: '1.00×' },
  {
    case: 'validateRedirectUri(registered, requested)',
    'ops/s': fmt(validate),
    ratio: `${(validate / url).toFixed(2)}×`,
  },
  { case: 'new URL(callback)  [baseline]', 'ops/s': fmt(urlCallback), ratio: '1.00×' },
  {
    case: 'parseCallback(callback, { expectedState })',
    'ops/s': fmt(callback),
    ratio: `${(callback / urlCallback).toFixed(2)}×`,
  },
]);
console.log(`validateRedirectUri / new URL(): ${(validate / url).toFixed(2)}× (goal ≥ 0.50×)`);
if (sink === 0) console.log('');
