// An authorized GET /me through the transport beside a raw fetch of the same URL, in one run.
// The emulator runs in its own process (its CLI), so the client side is what is measured.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHttpTransport } from '../dist/index.js';

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
  const raw = async () => (await fetch(url, { headers })).json();
  const ours = () => transport.api(accessToken, '/me');

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

  for (const fn of [raw, ours]) await sequential(fn, 300); // warm-up
  // Interleave rounds so drift in the machine's load hits both sides alike.
  const rounds = { raw: [], ours: [], rawTput: [], oursTput: [] };
  for (let r = 0; r < 5; r++) {
    rounds.raw.push(await sequential(raw, 1000));
    rounds.ours.push(await sequential(ours, 1000));
    rounds.rawTput.push(await concurrent(raw, 32, 60));
    rounds.oursTput.push(await concurrent(ours, 32, 60));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rawP50 = median(rounds.raw.map((x) => x.p50));
  const oursP50 = median(rounds.ours.map((x) => x.p50));
  const rawP99 = median(rounds.raw.map((x) => x.p99));
  const oursP99 = median(rounds.ours.map((x) => x.p99));
  const rawT = median(rounds.rawTput);
  const oursT = median(rounds.oursTput);
  console.log(
    'http: authorized GET /me against the emulator (separate process), median of 5 interleaved rounds',
  );
  console.table([
    {
      case: 'raw fetch [baseline]',
      p50: `${rawP50.toFixed(3)} ms`,
      p99: `${rawP99.toFixed(3)} ms`,
      '32 concurrent': `${rawT.toFixed(0)} req/s`,
    },
    {
      case: 'transport.api()',
      p50: `${oursP50.toFixed(3)} ms`,
      p99: `${oursP99.toFixed(3)} ms`,
      '32 concurrent': `${oursT.toFixed(0)} req/s`,
    },
  ]);
  console.log(
    `transport/raw: p50 ${(oursP50 / rawP50).toFixed(2)}× (goal ≤ 1.10×), p99 ${(oursP99 / rawP99).toFixed(2)}×, throughput at 32 concurrent ${(oursT / rawT).toFixed(2)}× (goal ≥ 0.90×)`,
  );
} finally {
  child.kill('SIGTERM');
}
