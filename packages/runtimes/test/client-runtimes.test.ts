// The client as an app ships it runs in every runtime we claim: createHhOAuth over an encrypted
// memory store, bundled with esbuild for `platform: 'browser'` (Chromium) and `'neutral'`
// (everything else: no Node shims, so a `node:` import anywhere fails the build), then signing
// in, refreshing once after expiry and signing out against the emulator over real HTTP, in Node
// 20 and 22, Bun, Deno (network permission for 127.0.0.1 only), Chromium and workerd.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import { launchChromium } from '@hh-oauth/test-support';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesDir, binary, ensureBinaries } from './binaries.js';
import { pageResult, runCommand as runScenario } from './run-scenario.js';

const EXPECTED_CHECKS = 7;
const RUN_TIMEOUT_MS = 30_000;
const SETUP_TIMEOUT_MS = 300_000;
const here = fileURLToPath(new URL('.', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Result {
  readonly ok: boolean;
  readonly runtime: string;
  readonly version: string;
  readonly checks: number;
  readonly refreshes: number;
}

let emulator: Emulator;
let workDir: string;

const ENTRY = [
  "export { createHhOAuth } from '@hh-oauth/client';",
  "export { createMemoryStore, encryptedStore } from '@hh-oauth/storage';",
  "export { isHhOAuthError } from '@hh-oauth/core';",
].join('\n');

/** Bundles the built client for `platform`; a `node:` import fails the build. */
async function bundleClient(platform: 'browser' | 'neutral', outfile: string): Promise<string> {
  await build({
    stdin: {
      contents: ENTRY,
      resolveDir: packageDir,
      sourcefile: 'client-entry.mjs',
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform,
    mainFields: ['module', 'main'],
    target: 'es2022',
    outfile,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = await readFile(outfile, 'utf8');
  expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
  return code;
}

/** A folder holding the bundle, the scenario and its config, for one runtime. */
async function prepare(name: string, platform: 'browser' | 'neutral', baseUrl: string) {
  const dir = join(workDir, name);
  await mkdir(dir);
  await bundleClient(platform, join(dir, 'client.mjs'));
  for (const file of ['client-scenario.mjs', 'client-run.mjs', 'client-worker.mjs']) {
    await copyFile(join(here, 'runtimes', file), join(dir, file));
  }
  const config = {
    baseUrl,
    clientId: emulator.app.clientId,
    clientSecret: emulator.app.clientSecret,
    redirectUri: emulator.app.redirectUri,
    login: 'applicant@example.com',
  };
  await writeFile(join(dir, 'config.mjs'), `export const config = ${JSON.stringify(config)};\n`);
  return dir;
}

const runCommand = (
  command: string,
  args: string[],
  dir: string,
  env: Record<string, string> = {},
) =>
  runScenario<Result>(command, args, dir, {
    script: 'client-run.mjs',
    timeoutMs: RUN_TIMEOUT_MS,
    env,
  });

/**
 * Serves the page's files and passes every other request to the emulator, so the page and
 * hh.ru share one origin (as a same-origin proxy in an app would): no CORS in the way.
 */
async function servePage(dir: string): Promise<{ server: Server; url: string }> {
  const files: Record<string, string> = {
    '/client.mjs': 'client.mjs',
    '/client-scenario.mjs': 'client-scenario.mjs',
    '/client-run.mjs': 'client-run.mjs',
    '/config.mjs': 'config.mjs',
  };
  const target = new URL(emulator.url);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><script type="module" src="/client-run.mjs"></script>\n',
      );
      return;
    }
    const file = files[path];
    if (file !== undefined) {
      readFile(join(dir, file)).then(
        (body) =>
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  await ensureBinaries();
  emulator = await startEmulator({ port: 0 });
  workDir = await mkdtemp(join(tmpdir(), 'hh-oauth-client-runtimes-'));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const expected = (runtime: string, version: string | RegExp) => ({
  ok: true,
  runtime,
  version: typeof version === 'string' ? version : expect.stringMatching(version),
  checks: EXPECTED_CHECKS,
  refreshes: 1,
});

describe('the client runs, bundled, in every runtime we claim, against the emulator', () => {
  it('bundles for the browser and for neutral platforms without a node: import', async () => {
    const dir = await mkdtemp(join(workDir, 'bundles-'));
    for (const platform of ['browser', 'neutral'] as const) {
      const code = await bundleClient(platform, join(dir, `${platform}.mjs`));
      expect(code).toContain('hh-oauth-sealed');
    }
  });

  it('Node 20', async () => {
    const dir = await prepare('node20', 'neutral', emulator.url);
    expect(await runCommand(process.execPath, [], dir)).toEqual(
      expected('node', process.versions.node),
    );
  });

  it('Node 22', async () => {
    const dir = await prepare('node22', 'neutral', emulator.url);
    expect(await runCommand(binary('node22'), [], dir)).toEqual(expected('node', /^22\./));
  });

  it('Bun', async () => {
    const dir = await prepare('bun', 'neutral', emulator.url);
    expect(await runCommand(binary('bun'), [], dir)).toEqual(expected('bun', /^1\./));
  });

  it('Deno, with network access to 127.0.0.1 only', async () => {
    const dir = await prepare('deno', 'neutral', emulator.url);
    const result = await runCommand(
      binary('deno'),
      ['run', '--no-prompt', '--no-config', '--allow-net=127.0.0.1'],
      dir,
      { DENO_DIR: join(workDir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' },
    );
    expect(result).toEqual(expected('deno', /^2\./));
  });

  it('Chromium, as a module script (HH-User-Agent, since a page cannot set User-Agent)', async () => {
    const page = await servePage(await prepare('chromium', 'browser', ''));
    // The scenario's base URL is the page's own origin, which passes requests to the emulator.
    const dir = join(workDir, 'chromium');
    await writeFile(
      join(dir, 'config.mjs'),
      (await readFile(join(dir, 'config.mjs'), 'utf8')).replace(
        '"baseUrl":""',
        `"baseUrl":"${page.url}"`,
      ),
    );
    const browser = await launchChromium();
    try {
      expect(await pageResult<Result>(browser, `${page.url}/`, RUN_TIMEOUT_MS)).toEqual(
        expected('chromium', /^\d+\./),
      );
    } finally {
      await browser.close();
      await new Promise((resolve) => page.server.close(resolve));
    }
  });

  it('workerd (Cloudflare Workers, through miniflare), one request', async () => {
    const dir = await prepare('workerd', 'neutral', emulator.url);
    const worker = await build({
      entryPoints: [join(dir, 'client-worker.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
    });
    const require = createRequire(join(binariesDir, 'package.json'));
    const { Miniflare } = await import(pathToFileURL(require.resolve('miniflare')).href);
    const mf = new Miniflare({
      modules: true,
      compatibilityDate: '2025-01-01',
      script: worker.outputFiles[0]?.text ?? '',
    });
    try {
      const response = await mf.dispatchFetch('http://worker.test/');
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(JSON.parse(text)).toEqual(expected('workerd', ''));
    } finally {
      await mf.dispose();
    }
  });
});
