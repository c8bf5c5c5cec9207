// One process of the scale bench: clients on a shared store (Redis, Redis Cluster, PostgreSQL or
// the file store), driven by JSON commands on stdin, answering one JSON line each on stdout.
// Runs the built packages.
import { createInterface } from 'node:readline';
import { createHhOAuth } from '@hh-oauth/client';
import { createHttpTransport } from '@hh-oauth/http';
import { createFileStore } from '@hh-oauth/storage/file';
import { createPostgresStore } from '@hh-oauth/storage-postgres';
import { createRedisStore } from '@hh-oauth/storage-redis';

const config = JSON.parse(process.env.HH_WORKER ?? '{}');
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const clockMs = () => performance.timeOrigin + performance.now();

function openStore({ kind, url, nodes, path, connectionString }) {
  if (kind === 'redis') return createRedisStore({ url });
  if (kind === 'redis-cluster') return createRedisStore({ cluster: { nodes } });
  if (kind === 'postgres')
    return createPostgresStore({ connectionString, poolOptions: { max: 8 } });
  if (kind === 'file') return createFileStore({ path });
  throw new Error(`unknown store kind ${kind}`);
}

const store = openStore(config.store);
// The same store without wake-ups: waiters poll every pollMs, as before wake-ups existed.
const polling = Object.fromEntries(
  ['get', 'set', 'delete', 'take', 'tryLock', 'extendLock', 'unlock', 'close'].map((m) => [
    m,
    (...args) => store[m](...args),
  ]),
);
polling.name = store.name;

const userAgent = 'hh-oauth-scale-bench/1.0 (bench@example.com)';
const raw = createHttpTransport({
  oauthBaseUrl: config.url,
  apiBaseUrl: config.url,
  userAgent,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  timeoutMs: 30_000,
});
let answeredAt;
let refreshesSent = 0;
const transport = {
  ...raw,
  async refreshTokens(...args) {
    refreshesSent++;
    const pair = await raw.refreshTokens(...args);
    answeredAt = clockMs();
    return pair;
  },
};
let offset = 0;
const clientOn = (on) =>
  createHhOAuth({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    userAgent,
    store: on,
    transport,
    oauthBaseUrl: config.url,
    apiBaseUrl: config.url,
    clock: { now: () => Date.now() + offset },
    lock: { ttlMs: 30_000, waitMs: 35_000, pollMs: 25 },
  });
const clients = { watch: clientOn(store), poll: clientOn(polling) };

async function storm({ sessionId, calls, mode }) {
  answeredAt = undefined;
  const hh = clients[mode];
  let settledAt = 0;
  const results = await Promise.allSettled(
    Array.from({ length: calls }, () =>
      hh.getAccessToken(sessionId).finally(() => {
        settledAt = Math.max(settledAt, clockMs());
      }),
    ),
  );
  return {
    answeredAt,
    settledAt,
    tokens: [...new Set(results.filter((r) => r.status === 'fulfilled').map((r) => r.value))],
    errors: results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.code)),
  };
}

/** Mixed load: `ops` getAccessToken calls over `sessions` (ids `s<n>`), `inFlight` at a time. */
async function load({ first, count, start, ops, inFlight }) {
  const hh = clients.watch;
  const latencies = new Float64Array(ops);
  let next = 0;
  let errors = 0;
  const sent = refreshesSent;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ops) {
        const i = next++;
        // A fixed stride walks every session of this worker's share once before repeating.
        const id = `s${first + ((start + i * 7919) % count)}`;
        const t0 = performance.now();
        try {
          await hh.getAccessToken(id);
        } catch {
          errors++;
        }
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort();
  return {
    ops,
    seconds,
    errors,
    refreshes: refreshesSent - sent,
    p50: latencies[Math.floor(ops * 0.5)],
    p99: latencies[Math.floor(ops * 0.99)],
    rss: process.memoryUsage().rss,
  };
}

say({ ready: process.pid });
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.clockOffsetMs !== undefined) offset = command.clockOffsetMs;
  if (command.op === 'storm') say(await storm(command));
  else if (command.op === 'load') say(await load(command));
  else if (command.op === 'exit') break;
}
await store.close();
process.exit(0);
