// sessionMachine throughput beside a baseline measured in the same run. Reads the built dist/.
// Run with `pnpm --filter @hh-oauth/core bench` after a build.
import { createActor } from 'xstate';
import { accessTokenFor, fromRecord, sessionMachine, toRecord } from '../dist/index.js';

function measure(fn, { rounds = 7, ms = 300 } = {}) {
  for (let i = 0; i < 5_000; i++) fn(i);
  const results = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < 200; i++) fn(n++);
      elapsed = performance.now() - start;
    }
    results.push((n / elapsed) * 1000);
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)];
}

const tokens = {
  accessToken: 'A',
  tokenType: 'bearer',
  refreshToken: 'R',
  expiresAt: 1e15,
  obtainedAt: 0,
};
const record = { v: 1, kind: 'session', status: 'authorized', tokens };
const json = JSON.stringify(record);
let sink = 0;

const parse = measure(() => {
  sink += JSON.stringify(JSON.parse(json)).length;
});
const roundTrip = measure((i) => {
  const actor = createActor(sessionMachine, { input: fromRecord(JSON.parse(json)) }).start();
  actor.send({ type: 'token.request', now: i });
  sink += JSON.stringify(toRecord(actor.getSnapshot())).length;
  actor.stop();
});
const actor = createActor(sessionMachine).start();
actor.send({ type: 'auth.start', now: 0, state: 'S' });
const sends = measure((i) => {
  actor.send({ type: 'auth.start', now: i, state: 'S' }); // authorizing → authorizing
});
const objectBaseline = measure((i) => {
  sink += Object.keys({ ...record, retryAt: i }).length;
});
const hot = measure((i) => {
  sink += accessTokenFor(record, i).ok ? 1 : 0;
});

const fmt = (n) => `${(n / 1e3).toFixed(1)} k ops/s`;
console.log('core: lifecycle machines (median of 7 rounds)');
console.table([
  {
    case: 'JSON.parse + JSON.stringify of a record  [baseline]',
    'ops/s': fmt(parse),
    ratio: '1.00×',
  },
  {
    case: 'fromRecord + actor + token.request + toRecord',
    'ops/s': fmt(roundTrip),
    ratio: `${(roundTrip / parse).toFixed(3)}×`,
  },
  { case: 'object spread of a record  [baseline]', 'ops/s': fmt(objectBaseline), ratio: '1.00×' },
  {
    case: 'actor.send (auth.start, authorizing → authorizing)',
    'ops/s': fmt(sends),
    ratio: `${(sends / objectBaseline).toFixed(3)}×`,
  },
  {
    case: 'accessTokenFor(record, now)  (hot path)',
    'ops/s': fmt(hot),
    ratio: `${(hot / objectBaseline).toFixed(3)}×`,
  },
]);
if (sink === 42) console.log('');
