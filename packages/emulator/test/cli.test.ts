// The command as a CI runs it: the BUILT bin (dist/cli.js; `pnpm build` first, as test:all does),
// spawned for real: one command with its own app, health, reset, SIGTERM with a request in flight,
// the parent going away, bad configuration, and the warning for an exposed host.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const dir = mkdtempSync(join(tmpdir(), 'hh-emulator-cli-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Environment without inherited HH_EMULATOR_* settings, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('HH_EMULATOR_')),
  );
  return { ...env, ...extra };
}

interface Started {
  child: ChildProcess;
  facts: { url: string; version: string; app: Record<string, string>; users: unknown[] };
  stderr: () => string;
  exited: Promise<number | null>;
}

async function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run pnpm build first`);
  const child = spawn(process.execPath, [CLI, '--json', ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then((code) => {
      throw new Error(`the emulator exited (${code}) before it was ready:\n${stderr}`);
    }),
  ]);
  return { child, facts: JSON.parse(first), stderr: () => stderr, exited };
}

/** Runs the CLI to completion (for usage errors and --version). */
async function runToEnd(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

const json = { 'Content-Type': 'application/json' };

describe('hh-oauth-emulator', () => {
  it('--version prints the package version', async () => {
    const result = await runToEnd(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('one command with its own app: health, the app survives reset, SIGTERM stops it cleanly', async () => {
    const readyFile = join(dir, 'ready.json');
    const pidFile = join(dir, 'emulator.pid');
    const { child, facts, exited, stderr } = await start([
      '--client-id',
      'CI-CLIENT',
      '--client-secret',
      'CI-SECRET',
      '--redirect-uri',
      'http://127.0.0.1:9/cb',
      '--ready-file',
      readyFile,
      '--pid-file',
      pidFile,
    ]);
    expect(facts.app).toEqual({
      clientId: 'CI-CLIENT',
      clientSecret: 'CI-SECRET',
      redirectUri: 'http://127.0.0.1:9/cb',
    });
    expect(JSON.parse(readFileSync(readyFile, 'utf8'))).toMatchObject({
      url: facts.url,
      pid: child.pid,
    });
    expect(readFileSync(pidFile, 'utf8')).toBe(`${child.pid}\n`);
    const health = await (await fetch(`${facts.url}/__emulator/health`)).json();
    expect(health).toMatchObject({ ready: true, version: VERSION });
    await fetch(`${facts.url}/__emulator/reset`, { method: 'POST', headers: json });
    const appToken = await fetch(`${facts.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'CI-CLIENT',
        client_secret: 'CI-SECRET',
      }),
    });
    expect(appToken.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('SIGTERM: stopping');
    expect(existsSync(readyFile)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    await expect(fetch(`${facts.url}/__emulator/health`)).rejects.toThrow();
  });

  it('a config file (YAML) under environment variables under flags', async () => {
    const config = join(dir, 'emulator.yaml');
    writeFileSync(
      config,
      [
        'app:',
        '  clientId: FROM-FILE',
        '  clientSecret: FILE-SECRET',
        '  redirectUri: https://ci.example.com/cb',
        'users:',
        '  - { login: ci-user@example.com, password: ci-pass, kind: employer }',
        'tokenTtlSeconds: 60',
        'accountChooser: immediate',
      ].join('\n'),
    );
    const { child, facts, exited } = await start(
      ['--config', config, '--client-secret', 'FLAG-SECRET'],
      {
        HH_EMULATOR_CLIENT_ID: 'FROM-ENV',
        HH_EMULATOR_CLIENT_SECRET: 'ENV-SECRET',
      },
    );
    expect(facts.app).toEqual({
      clientId: 'FROM-ENV',
      clientSecret: 'FLAG-SECRET',
      redirectUri: 'https://ci.example.com/cb',
    });
    expect(facts.users).toContainEqual({
      login: 'ci-user@example.com',
      password: 'ci-pass',
      kind: 'employer',
    });
    const ttl = await (await fetch(`${facts.url}/__emulator/ttl`)).json();
    expect(ttl).toMatchObject({ tokenTtlSeconds: 60 });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [['--port', '70000'], /--port <n>' argument '70000' is invalid/],
    [
      ['--account-chooser', 'sometimes'],
      /--account-chooser <mode>' argument 'sometimes' is invalid/,
    ],
    [['--redirect-uri', 'not a uri'], /invalid configuration: config\.app\.redirectUri/],
    [
      ['--user', 'x@example.com:pw:admin'],
      /invalid configuration: config\.users\[0\]\.kind must be one of/,
    ],
    [
      ['--config', '/nonexistent/emulator.yaml'],
      /cannot read the config file \/nonexistent\/emulator\.yaml \(ENOENT\)/,
    ],
  ])('bad usage %j exits 2 with a clear message', async (args, message) => {
    const result = await runToEnd(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('an unknown key in the config file is named', async () => {
    const config = join(dir, 'typo.json');
    writeFileSync(config, JSON.stringify({ tokenTTL: 60 }));
    const result = await runToEnd(['--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config.tokenTTL is not a known key');
  });

  it('--host 0.0.0.0 warns that the controls are unauthenticated', async () => {
    // The port is taken on 127.0.0.1, so binding 0.0.0.0 fails: nothing is ever exposed.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await runToEnd(['--host', '0.0.0.0', '--port', String(port)]);
      expect(result.stderr).toContain(
        'warning: --host 0.0.0.0 makes the emulator reachable from other machines',
      );
      expect(result.stderr).toContain('unauthenticated');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('could not start: EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('SIGTERM drains: a request in flight gets its answer, then the process exits 0', async () => {
    const { child, facts, exited, stderr } = await start(['--drain-timeout', '30000']);
    const { port } = new URL(facts.url);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'x',
      client_secret: 'y',
    }).toString();
    // An upload held half-way: the request is in flight until the test sends the rest.
    const held: (() => void)[] = [];
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/oauth/token',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': body.length,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      held.push(() => req.end(body.slice(10)));
    });
    // Health counts the requests in flight, itself included: 2 once the upload has arrived.
    await waitFor(async () => {
      const health = (await (await fetch(`${facts.url}/__emulator/health`)).json()) as {
        inFlight: number;
      };
      return health.inFlight === 2;
    });
    child.kill('SIGTERM');
    await waitFor(async () => stderr().includes('stopping'));
    held[0]!();
    const result = await answer;
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text)).toMatchObject({ error: 'invalid_client' });
    expect(await exited).toBe(0);
    expect(stderr()).toMatch(/SIGTERM: stopping, draining 1 request/);
  });

  it('SIGTERM with a request that never finishes: closed at the drain deadline, exit 0', async () => {
    const { child, facts, exited, stderr } = await start(['--drain-timeout', '1']);
    const { port } = new URL(facts.url);
    const answer = new Promise<string>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth/token',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 100 },
      });
      req.on('response', () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.write('grant_type=');
    });
    await waitFor(async () => {
      const health = (await (await fetch(`${facts.url}/__emulator/health`)).json()) as {
        inFlight: number;
      };
      return health.inFlight === 2;
    });
    child.kill('SIGTERM');
    expect(await answer).toBe('ECONNRESET');
    expect(await exited).toBe(0);
    expect(stderr()).toMatch(/draining 1 request\(s\) for up to 1 ms/);
  });

  it('--exit-with-parent: the emulator exits when the process that started it is killed', async () => {
    const pidFile = join(dir, 'orphan.pid');
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         const child = spawn(process.execPath, [${JSON.stringify(CLI)}, '--json', '--exit-with-parent', '--pid-file', ${JSON.stringify(pidFile)}], { stdio: ['ignore', 'pipe', 'inherit'] });
         child.stdout.pipe(process.stdout);`,
      ],
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(parent);
    const [line] = await once(createInterface({ input: parent.stdout! }), 'line');
    const facts = JSON.parse(line as string) as { url: string };
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // A kept-alive connection: it closes when the emulator goes away.
    const socket = (await import('node:net')).connect(Number(new URL(facts.url).port), '127.0.0.1');
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    parent.kill('SIGKILL');
    await closed;
    await waitFor(async () => !alive(pid));
    expect(existsSync(pidFile)).toBe(false);
  });
});

/** Whether `pid` runs (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` until it holds; the test's own timeout is the deadline. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}
