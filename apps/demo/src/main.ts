#!/usr/bin/env node
/**
 * `pnpm demo` (→ `node apps/demo/dist/main.js`): starts the demo and prints where it listens.
 *
 * Emulator mode (default): the hh.ru emulator runs in-process. Live mode: with `HH_CLIENT_ID`,
 * `HH_CLIENT_SECRET`, `HH_REDIRECT_URI` and `HH_USER_AGENT` set, the demo talks to hh.ru.
 */
import { parseArgs } from 'node:util';
import { type DemoOptions, type LiveCredentials, startDemo } from './server.js';

const USAGE = `Usage: pnpm demo [-- --port N] [--emulator-port N] [--store PATH]

  --port N           the demo's port (env DEMO_PORT; default 3000, or a free one if taken)
  --emulator-port N  the emulator's port (env EMULATOR_PORT; default 3001, or a free one if taken)
  --store PATH       the file store (env DEMO_STORE_PATH; default apps/demo/.demo-data/…)
  --help             show this help

Environment:
  REDIS_URL          keep sessions in Redis instead of a file
  DEMO_STORE_KEY     the demo's key (64 hex digits or base64): seals the file store, signs
                     cookies (default: made on the first start in <store>.key, mode 0600)
  DEMO_HTTPS=1       the demo is served over https (behind a TLS proxy): __Host-, Secure cookies
  HH_CLIENT_ID, HH_CLIENT_SECRET, HH_REDIRECT_URI, HH_USER_AGENT
                     all four set: talk to the real hh.ru instead of the emulator`;

const DEFAULT_DEMO_PORT = 3000;
const DEFAULT_EMULATOR_PORT = 3001;
const LIVE_VARIABLES = ['HH_CLIENT_ID', 'HH_CLIENT_SECRET', 'HH_REDIRECT_URI', 'HH_USER_AGENT'];

class UsageError extends Error {}

function port(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${what} must be an integer from 0 to 65535`);
  }
  return n;
}

function liveCredentials(env: NodeJS.ProcessEnv): LiveCredentials | undefined {
  const set = LIVE_VARIABLES.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < LIVE_VARIABLES.length) {
    const missing = LIVE_VARIABLES.filter((name) => !env[name]);
    throw new UsageError(`live mode needs all four variables; missing: ${missing.join(', ')}`);
  }
  const redirectUri = env['HH_REDIRECT_URI'] ?? '';
  try {
    new URL(redirectUri);
  } catch {
    throw new UsageError(
      'HH_REDIRECT_URI must be an absolute URL, e.g. http://127.0.0.1:3000/callback',
    );
  }
  return {
    clientId: env['HH_CLIENT_ID'] ?? '',
    clientSecret: env['HH_CLIENT_SECRET'] ?? '',
    redirectUri,
    userAgent: env['HH_USER_AGENT'] ?? '',
  };
}

/** The port hh.ru will redirect to, when the redirect URI points at this machine. */
function redirectPort(redirectUri: string): number | undefined {
  const url = new URL(redirectUri);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

async function main(): Promise<number> {
  let values: { port?: string; 'emulator-port'?: string; store?: string; help?: boolean };
  let options: DemoOptions;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', short: 'p' },
        'emulator-port': { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const env = process.env;
    const live = liveCredentials(env);
    const demoPort = port(values.port ?? env['DEMO_PORT'], '--port / DEMO_PORT');
    const emulatorPort = port(
      values['emulator-port'] ?? env['EMULATOR_PORT'],
      '--emulator-port / EMULATOR_PORT',
    );
    const storePath = values.store ?? env['DEMO_STORE_PATH'];
    const redisUrl = env['REDIS_URL'];
    if (live) {
      // hh.ru redirects to the saved redirect URI: the demo must listen on its port.
      const wanted = demoPort ?? redirectPort(live.redirectUri) ?? DEFAULT_DEMO_PORT;
      options = { live, port: wanted, portFallback: false };
    } else {
      options = {
        port: demoPort ?? DEFAULT_DEMO_PORT,
        portFallback: demoPort === undefined,
        emulator: {
          port: emulatorPort ?? DEFAULT_EMULATOR_PORT,
          portFallback: emulatorPort === undefined,
        },
      };
    }
    if (storePath) options = { ...options, storePath };
    if (env['DEMO_STORE_KEY']) options = { ...options, storeKey: env['DEMO_STORE_KEY'] };
    if (env['DEMO_HTTPS'] === '1') options = { ...options, secureCookies: true };
    if (redisUrl) options = { ...options, redisUrl };
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`hh-oauth-demo: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const demo = await startDemo(options);
  const lines = [`hh-oauth demo: open ${demo.url}`];
  if (demo.emulator) {
    lines.push(
      `  mode:     emulator — hh.ru is emulated in-process at ${demo.emulator.url}`,
      `            (console ${demo.emulator.url}/admin, controls ${demo.emulator.url}/__emulator/*)`,
      `  callback: ${demo.redirectUri}`,
      '  sign in as (test users of the emulator):',
      ...demo.emulator.users.map((u) => `    ${u.kind.padEnd(9)} ${u.login} / ${u.password}`),
    );
  } else {
    lines.push(
      '  mode:     live — talking to the real hh.ru (hh.ru, api.hh.ru)',
      `  callback: ${demo.redirectUri} (must be the redirect URI saved at dev.hh.ru)`,
    );
  }
  lines.push(
    `  sessions: ${demo.storeDescription}`,
    `  key:      ${demo.keySource === 'given' ? 'DEMO_STORE_KEY' : demo.keySource}`,
    'Press Ctrl+C to stop.',
  );
  console.log(lines.join('\n'));

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await demo.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`hh-oauth-demo: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
