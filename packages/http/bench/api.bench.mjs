// An authorized GET /me through the transport beside a raw fetch of the same URL, in one run, and
// beside ky.get() configured as api() would need it (retries, timeout): the figure that keeps
// api() on fetch directly while the token grants use ky. The emulator runs in its own process
// (its CLI), so the client side is what is measured.
//
// The machine is shared and noisy, so each round measures every case back to back, in an order
// that rotates from round to round, and the ratios are taken within a round (paired) before the
// median over rounds: drift in the machine's load hits both sides of a ratio alike. Each throughput
// window is 32 callers × 150 calls, long enough that one burst of load elsewhere does not decide it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ky from 'ky';
import { createHttpTransport } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const cli = fileURLToPath(new URL('../../emulator/dist/cli.js', import.meta.url));
const child = spawn(process.execPath, [cli, '--port', '0', '--json'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const facts = JSON.parse(line);
const USER_AGENT = 'hh-oauth-bench/1.0 (bench@example.com)';
const post = (path, body) =>
  fetch(`${facts.url}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());

try {
  const transport = createHttpTransport({
    oauthBaseUrl: facts.url,
    apiBaseUrl: facts.url,
    userAgent: USER_AGENT,
    clientId: facts.app.clientId,
    clientSecret: facts.app.clientSecret,
  });
  const { code } = await post('codes', {
    clientId: facts.app.clientId,
    login: 'applicant@example.com',
  });
  const { accessToken } = await transport.exchangeCode({ code });
  const url = `${facts.url}/me`;
  const headers = {
    'User-Agent': USER_AGENT,
    Authorization: `Bearer ${accessToken}`,
    Accept: 'application/json',
  };
  // What api() would be on ky: its retries (jitter, Retry-After) and ky's timeout.
  const kyClient = ky.create({
    timeout: 10_000,
    retry: { limit: 2, methods: ['get'], jitter: true, retryOnTimeout: true, backoffLimit: 5000 },
  });
  const cases = {
    'raw fetch [baseline]': async () => (await fetch(url, { headers })).json(),
    'transport.api()': () => transport.api(accessToken, '/me'),
    'ky.get() [reference]': () => kyClient.get(url, { headers }).json(),
  };
  const names = Object.keys(cases);

  async function sequential(fn, n) {
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      times[i] = performance.now() - t;
    }
    times.sort();
    return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] };
  }
  async function concurrent(fn, callers, perCaller) {
    const t = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        for (let i = 0; i < perCaller; i++) await fn();
      }),
    );
    return (callers * perCaller) / ((performance.now() - t) / 1000);
  }

  for (const name of names) await sequential(cases[name], 300); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    const round = {};
    for (const name of order) round[name] = await sequential(cases[name], 1000);
    for (const name of order) round[name].tput = await concurrent(cases[name], 32, 150);
    rounds.push(round);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = names[0];
  const ratio = (name, key) => median(rounds.map((round) => round[name][key] / round[base][key]));
  console.log(
    `http: authorized GET /me against the emulator (separate process), median of ${ROUNDS} rotated rounds`,
  );
  console.table(
    names.map((name) => ({
      case: name,
      p50: `${median(rounds.map((x) => x[name].p50)).toFixed(3)} ms`,
      p99: `${median(rounds.map((x) => x[name].p99)).toFixed(3)} ms`,
      '32 concurrent': `${median(rounds.map((x) => x[name].tput)).toFixed(0)} req/s`,
      'p50 / raw': `${ratio(name, 'p50').toFixed(3)}×`,
      'throughput / raw': `${ratio(name, 'tput').toFixed(3)}×`,
    })),
  );
  const [, ours, viaKy] = names;
  console.log(
    `transport/raw: p50 ${ratio(ours, 'p50').toFixed(2)}× (goal ≤ 1.05×), throughput at 32 concurrent ${ratio(ours, 'tput').toFixed(2)}× (goal ≥ 0.95×); ky.get()/raw: p50 ${ratio(viaKy, 'p50').toFixed(2)}×, throughput ${ratio(viaKy, 'tput').toFixed(2)}×`,
  );
} finally {
  child.kill('SIGTERM');
}
