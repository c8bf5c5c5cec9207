#!/usr/bin/env node
/**
 * `hh-oauth-emulator [--port N] [--host H] [--json]`: starts the emulator and prints where it
 * listens, the seeded application and the seeded users (fixed test credentials, not secrets);
 * runs until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const USAGE = `Usage: hh-oauth-emulator [--port N] [--host H] [--json]

  --port N   port to listen on (default 0: a free one)
  --host H   interface to bind (default 127.0.0.1)
  --json     print the facts as one JSON line on stdout
  --help     show this help`;

async function main(): Promise<number> {
  let values: { port?: string; host?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`hh-oauth-emulator: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`hh-oauth-emulator: --port must be an integer from 0 to 65535\n\n${USAGE}`);
    return 2;
  }
  const emulator = await startEmulator({ port, host: values.host ?? '127.0.0.1' });
  const facts = { url: emulator.url, app: emulator.app, users: emulator.users };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(facts)}\n`);
  } else {
    const lines = [
      `hh.ru emulator listening on ${facts.url}`,
      `  oauthBaseUrl = apiBaseUrl = ${facts.url}`,
      `  authorize:   ${facts.url}/oauth/authorize`,
      `  console:     ${facts.url}/admin`,
      `  controls:    ${facts.url}/__emulator/*`,
      `app: client_id=${facts.app.clientId} client_secret=${facts.app.clientSecret}`,
      `     redirect_uri=${facts.app.redirectUri}`,
      ...facts.users.map((u) => `user (${u.kind}): ${u.login} / ${u.password}`),
      'Press Ctrl+C to stop.',
    ];
    console.log(lines.join('\n'));
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`hh-oauth-emulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
