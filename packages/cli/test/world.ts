/**
 * One test's world: the emulator in this process on 127.0.0.1 (port 0), an application whose
 * redirect URI is a free 127.0.0.1 port for `login` to bind, a temp HOME / XDG_CONFIG_HOME, and
 * the built `hh-oauth` run as a child process (piped: not a terminal) or in tmux (a terminal).
 * The environment of every child is built from scratch, so nothing of the caller's (HH_*,
 * NO_COLOR) leaks in.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import type { Browser, Page } from 'playwright-core';
import { openTerminal, type Terminal } from './terminal.js';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
export const USER_AGENT = 'HhOAuthCliTest/1.0 (cli-test@example.com)';
export const APPLICANT = { login: 'applicant@example.com', password: 'hh-applicant' };

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface World {
  readonly emulator: Emulator;
  readonly home: string;
  readonly redirectUri: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The children's environment: HOME, XDG_CONFIG_HOME, HH_OAUTH_BASE_URL, PATH, the clock offset. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** `hh-oauth …` with pipes (not a terminal), fed `input` on stdin; bounded by 30 s. */
  run(args: readonly string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<Run>;
  /** `hh-oauth …` in a real terminal (tmux). */
  terminal(args: readonly string[], options?: { env?: NodeJS.ProcessEnv }): Promise<Terminal>;
  /** `config set` client-id, redirect-uri, user-agent and the secret (piped). */
  configure(options?: { redirectUri?: string; clientId?: string; secret?: string }): Promise<void>;
  /** Ends every terminal opened so far (and what runs in it): after each test, pass or fail. */
  closeTerminals(): Promise<void>;
  /** Moves the emulator's clock, and the children's with it. */
  advanceDays(days: number): void;
  close(): Promise<void>;
}

/** A port that was free a moment ago (the test is about binding exactly that port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startWorld(): Promise<World> {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: run \`pnpm build\` first (the tests run the built bin)`);
  }
  const emulator = await startEmulator();
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const app = emulator.controls.registerApp({ redirectUri, name: 'hh-oauth CLI test' });
  const home = await mkdtemp(join(tmpdir(), 'hh-cli-'));
  const terminals: Terminal[] = [];
  let offsetMs = 0;

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    HH_OAUTH_BASE_URL: emulator.url,
    LANG: 'C.UTF-8',
    ...(offsetMs === 0 ? {} : { HH_OAUTH_CLOCK_OFFSET_MS: String(offsetMs) }),
    ...extra,
  });

  const run: World['run'] = (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: env(options.env),
        cwd: home,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`hh-oauth ${args.join(' ')} did not exit within 30 s:\n${stderr}`));
      }, 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(deadline);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });

  const world: World = {
    emulator,
    home,
    redirectUri,
    port,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    env,
    run,
    async terminal(args, options = {}) {
      const t = await openTerminal([process.execPath, BIN, ...args], {
        env: env(options.env),
        cwd: home,
      });
      terminals.push(t);
      return t;
    },
    async configure(options = {}) {
      const steps: [string, string][] = [
        ['client-id', options.clientId ?? app.clientId],
        ['redirect-uri', options.redirectUri ?? redirectUri],
        ['user-agent', USER_AGENT],
      ];
      for (const [key, value] of steps) {
        const r = await run(['config', 'set', key, value]);
        if (r.code !== 0) throw new Error(`config set ${key}: ${r.stderr}`);
      }
      const r = await run(['config', 'set', 'client-secret'], {
        input: `${options.secret ?? app.clientSecret}\n`,
      });
      if (r.code !== 0) throw new Error(`config set client-secret: ${r.stderr}`);
    },
    async closeTerminals() {
      for (const t of terminals.splice(0)) await t.close();
    },
    advanceDays(days) {
      emulator.controls.advanceClock(days * 86_400);
      offsetMs += days * 86_400_000;
    },
    async close() {
      for (const t of terminals.splice(0)) await t.close();
      await emulator.close();
      await rm(home, { recursive: true, force: true });
    },
  };
  return world;
}

/** Waits (bounded polling) until a file exists, and returns its content. */
export async function fileWhenWritten(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT' || Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Signs in on the emulator's pages in Chromium and answers the consent page. */
export async function signInInBrowser(
  browser: Browser,
  url: string,
  options: { allow?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Login').fill(APPLICANT.login);
  await page.getByLabel('Password').fill(APPLICANT.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const answer = options.allow === false ? 'Deny' : 'Allow';
  await page.getByRole('button', { name: answer }).click();
  await page.waitForLoadState('load');
  return page;
}

/** The authorize URL `login` printed. */
export function authorizeUrlOn(screen: string): string | undefined {
  return screen.match(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+/)?.[0];
}
