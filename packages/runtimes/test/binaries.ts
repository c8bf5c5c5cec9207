// Node 22, Bun, Deno and miniflare (with workerd) are fetched from the npm registry the first time this test runs, pinned by
// binaries/package-lock.json, into binaries/node_modules. They are kept out of the workspace
// install: together they weigh about 490 MB, and only these tests need them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const binariesDir = fileURLToPath(new URL('../binaries', import.meta.url));
const installed = (...path: string[]) => join(binariesDir, 'node_modules', ...path);

/** Where each binary's npm package puts it (its install script copies in the platform's build). */
export const BINARIES = {
  node22: installed('node', 'bin', 'node'),
  bun: installed('bun', 'bin', 'bun.exe'),
  deno: installed('deno', 'deno'),
  /** workerd, Cloudflare's worker runtime, which miniflare drives (the client test's edge runtime). */
  workerd: installed('workerd', 'bin', 'workerd'),
} as const;

export type RuntimeName = keyof typeof BINARIES;

const allPresent = () => Object.values(BINARIES).every((path) => existsSync(path));

/**
 * Installs the pinned runtimes with `npm ci` unless they are all in place. npm runs with an
 * environment cleaned of the `npm_config_*` settings pnpm exports to its children.
 */
export async function ensureBinaries(): Promise<void> {
  if (allPresent()) return;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: binariesDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`npm ci in ${binariesDir} failed:\n${text}`)),
    );
  });
  const missing = Object.entries(BINARIES).filter(([, path]) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `npm ci in ${binariesDir} left ${missing.map(([, path]) => path).join(', ')} missing (their install scripts put the binaries in place):\n${output}`,
    );
  }
}

export function binary(name: RuntimeName): string {
  return BINARIES[name];
}
