// Token endpoint throughput: the emulator's `POST /oauth/token` (authorization_code with
// pre-made codes: the full grant, client check, code consumption and a new pair) beside a bare
// `node:http` server that reads the same form and answers the same JSON, in one run, loopback only.
// The servers run in a worker thread, the client in the main thread. Reads the built dist/.
// Run with `pnpm --filter @hh-oauth/emulator bench` (after a build).
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const SEQUENTIAL = 3_000;
const CONCURRENT = 12_000;
const CONCURRENCY = 16;
const ROUNDS = 5;

if (isMainThread) {
  await main();
} else {
  await serve();
}

/** Worker: the emulator and the bare server; makes codes on demand. */
async function serve() {
  const { startEmulator } = await import('../dist/index.js');
  const emulator = await startEmulator({ port: 0 });
  const answer = JSON.stringify({
    access_token: `hha_${'a'.repeat(43)}`,
    token_type: 'bearer',
    expires_in: 1209600,
    refresh_token: `hhr_${'r'.repeat(43)}`,
  });
  const bare = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const ok = form.get('grant_type') === 'authorization_code' && form.get('code') !== null;
      res.writeHead(ok ? 200 : 400, {
        'content-type': 'application/json; charset=UTF-8',
        'cache-control': 'no-store',
      });
      res.end(ok ? answer : '{"error":"invalid_request"}');
    });
  });
  bare.listen(0, '127.0.0.1');
  await once(bare, 'listening');
  parentPort.on('message', async (message) => {
    if (message.type === 'codes') {
      const codes = [];
      for (let i = 0; i < message.count; i++) {
        codes.push(
          emulator.controls.issueCode({
            clientId: emulator.app.clientId,
            login: 'applicant@example.com',
          }),
        );
      }
      parentPort.postMessage({ type: 'codes', codes });
    } else if (message.type === 'reset') {
      emulator.controls.reset();
      parentPort.postMessage({ type: 'reset' });
    } else if (message.type === 'close') {
      bare.close();
      bare.closeAllConnections();
      await emulator.close();
      parentPort.postMessage({ type: 'closed' });
    }
  });
  parentPort.postMessage({
    type: 'ready',
    emulator: emulator.url,
    bare: `http://127.0.0.1:${bare.address().port}`,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
  });
}

async function main() {
  const worker = new Worker(new URL(import.meta.url));
  const ask = async (message) => {
    worker.postMessage(message);
    const [reply] = await once(worker, 'message');
    return reply;
  };
  const [ready] = await once(worker, 'message');
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  const post = (base, body) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${base}/oauth/token`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'HhOAuthBench/1.0 (bench@example.com)',
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => {
            // Every answer is read and checked, so a framing bug cannot pass for speed.
            const ok = res.statusCode === 200 && JSON.parse(text).token_type === 'bearer';
            if (ok) resolve(text);
            else reject(new Error(`${res.statusCode} ${text}`));
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** Requests per second for `count` exchanges with `concurrency` in flight. */
  async function run(base, count, concurrency) {
    await ask({ type: 'reset' });
    const { codes } = await ask({ type: 'codes', count });
    const bodies = codes.map((code) =>
      new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: ready.clientId,
        client_secret: ready.clientSecret,
        code,
      }).toString(),
    );
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          await post(base, body);
        }
      }),
    );
    return (count / (performance.now() - start)) * 1000;
  }

  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  async function measure(count, concurrency) {
    await run(ready.bare, Math.min(count, 1000), concurrency); // warm-up
    await run(ready.emulator, Math.min(count, 1000), concurrency);
    const bare = [];
    const emu = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await run(ready.bare, count, concurrency));
      emu.push(await run(ready.emulator, count, concurrency));
    }
    return { bare: median(bare), emulator: median(emu) };
  }

  const sequential = await measure(SEQUENTIAL, 1);
  const concurrent = await measure(CONCURRENT, CONCURRENCY);
  await ask({ type: 'close' });
  agent.destroy();
  await worker.terminate();

  const fmt = (n) => `${Math.round(n).toLocaleString('en-US')} req/s`;
  const ratio = (m) => `${(m.emulator / m.bare).toFixed(2)}×`;
  console.log(`emulator: POST /oauth/token (authorization_code), median of ${ROUNDS} rounds`);
  console.table([
    {
      case: 'bare node:http, sequential  [baseline]',
      'req/s': fmt(sequential.bare),
      ratio: '1.00×',
    },
    { case: 'emulator, sequential', 'req/s': fmt(sequential.emulator), ratio: ratio(sequential) },
    {
      case: `bare node:http, ${CONCURRENCY} in flight  [baseline]`,
      'req/s': fmt(concurrent.bare),
      ratio: '1.00×',
    },
    {
      case: `emulator, ${CONCURRENCY} in flight`,
      'req/s': fmt(concurrent.emulator),
      ratio: ratio(concurrent),
    },
  ]);
  console.log(
    `emulator / bare node:http: sequential ${ratio(sequential)}, concurrent ${ratio(concurrent)} (goal ≥ 0.50×)`,
  );
}
