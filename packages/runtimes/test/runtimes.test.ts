// The built core runs unchanged, one full scenario each, in every runtime we claim: Node 20 and 22,
// Bun, Deno and Chromium. `runtimes/scenario.mjs` is the scenario; this file
// bundles the built core with esbuild once and runs the scenario in each runtime, the same bundle
// everywhere. Node 20 also runs it against `dist/` unbundled, resolved the way Node resolves it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '@hh-oauth/test-support';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binary, ensureBinaries } from './binaries.js';
import { pageResult, runCommand as runScenario } from './run-scenario.js';

/** How many checks `runtimes/scenario.mjs` makes; every runtime must count the same. */
const EXPECTED_CHECKS = 68;
/** One runtime's run of the scenario, start to finish (they take well under a second each). */
const RUN_TIMEOUT_MS = 20_000;
/** The first run downloads Node 22, Bun and Deno (about 120 MB compressed) with `npm ci`. */
const SETUP_TIMEOUT_MS = 300_000;

// The core as published: its built dist/, resolved from this private test package.
const coreDir = fileURLToPath(new URL('../../core', import.meta.url));
const distEntry = join(coreDir, 'dist', 'index.js');
const scenarioFile = fileURLToPath(new URL('./runtimes/scenario.mjs', import.meta.url));

interface ScenarioResult {
  readonly ok: boolean;
  readonly runtime: string;
  readonly version: string;
  readonly checks: number;
}

/** Runs the scenario in `dir` with a command-line runtime. */
const runCommand = (
  command: string,
  args: string[],
  dir: string,
  env: Record<string, string> = {},
) =>
  runScenario<ScenarioResult>(command, args, dir, {
    script: 'scenario.mjs',
    timeoutMs: RUN_TIMEOUT_MS,
    env,
  });

/** Serves `dir` on 127.0.0.1: the page loads the scenario as a module script. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const files: Record<string, { file: string; type: string }> = {
    '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
    '/core.mjs': { file: 'core.mjs', type: 'text/javascript; charset=utf-8' },
    '/scenario.mjs': { file: 'scenario.mjs', type: 'text/javascript; charset=utf-8' },
  };
  const server = createServer((request, response) => {
    const entry = files[new URL(request.url ?? '/', 'http://127.0.0.1').pathname];
    if (!entry) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(dir, entry.file)).then(
      (body) => response.writeHead(200, { 'content-type': entry.type }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

async function runChromium(dir: string): Promise<ScenarioResult> {
  const { server, url } = await serve(dir);
  const browser = await launchChromium();
  try {
    return await pageResult<ScenarioResult>(browser, url, RUN_TIMEOUT_MS);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

let workDir: string;
/** The bundle: dist/index.js plus the xstate it imports, one ESM file, Web APIs only. */
let bundled: string;
/** dist/index.js as is, with xstate resolved the way Node resolves it from dist/. */
let unbundled: string;

beforeAll(async () => {
  if (!existsSync(distEntry)) {
    throw new Error(
      `${distEntry} is missing: the runtimes test runs the built core. Run \`pnpm build\` (or \`pnpm --filter @hh-oauth/core build\`) first; \`pnpm test\` builds before testing.`,
    );
  }
  await ensureBinaries();
  workDir = await mkdtemp(join(tmpdir(), 'hh-oauth-runtimes-'));
  bundled = join(workDir, 'bundled');
  unbundled = join(workDir, 'unbundled');
  await mkdir(bundled);
  await mkdir(unbundled);

  // platform 'neutral' leaves out every Node shim: a `node:` import in the core fails the build.
  await build({
    stdin: {
      contents: [
        "export * from './dist/index.js';",
        "export { createActor, fromPromise, waitFor } from 'xstate';",
      ].join('\n'),
      resolveDir: coreDir,
      sourcefile: 'runtimes-entry.mjs',
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['module'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    outfile: join(bundled, 'core.mjs'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  await copyFile(scenarioFile, join(bundled, 'scenario.mjs'));
  await writeFile(
    join(bundled, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>hh-oauth runtimes</title><script type="module" src="/scenario.mjs"></script>\n',
  );

  // xstate as Node finds it from dist/ (its `import` condition), so both share one copy.
  const xstate = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "process.stdout.write(import.meta.resolve('xstate'))"],
    { cwd: join(coreDir, 'dist'), encoding: 'utf8' },
  );
  if (xstate.status !== 0) throw new Error(`cannot resolve xstate from dist/: ${xstate.stderr}`);
  await writeFile(
    join(unbundled, 'core.mjs'),
    [
      `export * from '${pathToFileURL(distEntry).href}';`,
      `export { createActor, fromPromise, waitFor } from '${xstate.stdout}';`,
      '',
    ].join('\n'),
  );
  await copyFile(scenarioFile, join(unbundled, 'scenario.mjs'));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const expected = (runtime: string, version: string | RegExp) => ({
  ok: true,
  runtime,
  version: typeof version === 'string' ? version : expect.stringMatching(version),
  checks: EXPECTED_CHECKS,
});

describe('the built core runs unchanged in every runtime we claim', () => {
  it('Node 20 (process.execPath), bundle', async () => {
    expect(
      process.versions.node.split('.')[0],
      'run the tests under Node 20, the oldest Node we claim',
    ).toBe('20');
    const result = await runCommand(process.execPath, [], bundled);
    expect(result).toEqual(expected('node', process.versions.node));
  });

  it('Node 20 (process.execPath), dist/ unbundled', async () => {
    const result = await runCommand(process.execPath, [], unbundled);
    expect(result).toEqual(expected('node', process.versions.node));
  });

  it('Node 22 (npm package node@22), bundle', async () => {
    const result = await runCommand(binary('node22'), [], bundled);
    expect(result).toEqual(expected('node', /^22\./));
  });

  it('Bun (npm package bun), bundle', async () => {
    const result = await runCommand(binary('bun'), [], bundled);
    expect(result).toEqual(expected('bun', /^1\./));
  });

  it('Deno (npm package deno), bundle, no permissions', async () => {
    const result = await runCommand(
      binary('deno'),
      ['run', '--no-prompt', '--no-config'],
      bundled,
      {
        DENO_DIR: join(workDir, 'deno-dir'),
        DENO_NO_UPDATE_CHECK: '1',
      },
    );
    expect(result).toEqual(expected('deno', /^2\./));
  });

  it('Chromium (playwright-core, /usr/bin/chromium), bundle as a module script', async () => {
    const result = await runChromium(bundled);
    expect(result).toEqual(expected('chromium', /^\d+\./));
  });
});
