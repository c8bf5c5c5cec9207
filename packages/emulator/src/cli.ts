#!/usr/bin/env node
/**
 * `hh-oauth-emulator [options]`: starts the emulator from flags, `HH_EMULATOR_*` variables and a
 * `--config` file, prints where it listens, the seeded application and users (fixed test
 * credentials, not secrets), and runs until SIGINT or SIGTERM (draining requests in flight) or,
 * with `--exit-with-parent`, until its parent process exits. Exit codes: 0 stopped cleanly,
 * 1 could not start, 2 bad usage or configuration.
 */
import { CommanderError } from 'commander';
import { type CliSettings, readSettings } from './cli-options.js';
import { EmulatorInputError } from './errors.js';
import { removeQuietly, stopSignal, watchParent, writeFileAtomic } from './lifecycle.js';
import { isExposedHost } from './security.js';
import { type Emulator, startEmulator } from './server.js';

const say = (line: string) => process.stderr.write(`hh-oauth-emulator: ${line}\n`);

function printFacts(emulator: Emulator, json: boolean): void {
  const facts = {
    url: emulator.url,
    version: emulator.version,
    app: emulator.app,
    users: emulator.users,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(facts)}\n`);
    return;
  }
  const lines = [
    `hh.ru emulator ${facts.version} listening on ${facts.url}`,
    `  oauthBaseUrl = apiBaseUrl = ${facts.url}`,
    `  authorize:   ${facts.url}/oauth/authorize`,
    `  console:     ${facts.url}/admin`,
    `  controls:    ${facts.url}/__emulator/* (health: ${facts.url}/__emulator/health)`,
    `app: client_id=${facts.app.clientId} client_secret=${facts.app.clientSecret}`,
    `     redirect_uri=${facts.app.redirectUri}`,
    ...facts.users.map((u) => `user (${u.kind}): ${u.login} / ${u.password}`),
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(settings: CliSettings): Promise<number> {
  const host = settings.options.host ?? '127.0.0.1';
  if (isExposedHost(host)) {
    say(
      `warning: --host ${host} makes the emulator reachable from other machines. Its /__emulator/* controls are unauthenticated (test-only): anyone who reaches the port can mint codes and tokens.`,
    );
  }
  const emulator = await startEmulator(settings.options);
  const files = [settings.pidFile, settings.readyFile];
  const cleanUp = () => {
    for (const file of files) removeQuietly(file);
  };
  process.once('exit', cleanUp);
  if (settings.pidFile) writeFileAtomic(settings.pidFile, `${process.pid}\n`);
  if (settings.readyFile) {
    const facts = {
      url: emulator.url,
      version: emulator.version,
      pid: process.pid,
      app: emulator.app,
    };
    writeFileAtomic(settings.readyFile, `${JSON.stringify(facts)}\n`);
  }
  // Last: whoever waits on the ready file or on stdout finds the other one in place too.
  printFacts(emulator, settings.json);
  const parentGone = new Promise<string>((resolve) => {
    if (settings.exitWithParent) watchParent(() => resolve('parent exited'));
  });
  const closing = { now: false };
  const reason = await stopSignal(parentGone, () => {
    // A second signal: stop waiting for requests in flight.
    closing.now = true;
    void emulator.close();
  });
  // Not ready any more from here on.
  removeQuietly(settings.readyFile);
  const inFlight = emulator.inFlight();
  say(
    `${reason}: stopping${inFlight > 0 ? `, draining ${inFlight} request(s) for up to ${settings.drainMs} ms` : ''}`,
  );
  await emulator.close({
    drainMs: reason === 'parent exited' || closing.now ? 0 : settings.drainMs,
  });
  cleanUp();
  say('stopped');
  return 0;
}

async function main(): Promise<number> {
  let settings: CliSettings;
  try {
    settings = readSettings(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof EmulatorInputError) {
      say(`invalid configuration: ${error.message}`);
      return 2;
    }
    throw error;
  }
  try {
    return await run(settings);
  } catch (error) {
    if (error instanceof EmulatorInputError) {
      say(`invalid configuration: ${error.message}`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    say(
      `could not start: ${code ? `${code} ` : ''}${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
