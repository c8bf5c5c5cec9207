/**
 * Compiles this package's sources to plain JS in a temp folder under node_modules/.cache, so a test
 * can run the real store in child processes (Node 20 cannot run TypeScript). Imports of
 * `@hh-oauth/core` resolve to core's build, as in any consumer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformWithEsbuild } from 'vite';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');

async function sources(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const item of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, item.name);
    if (item.isDirectory()) found.push(...(await sources(path)));
    else if (item.name.endsWith('.ts') && !item.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/** Compiles `src/` (and `extra` test files) into a fresh folder; returns it and a remover. */
export async function compileForChild(
  extra: readonly string[] = [],
): Promise<{ root: string; remove: () => Promise<void> }> {
  const core = join(PACKAGE, 'node_modules', '@hh-oauth', 'core', 'dist', 'index.js');
  if (!existsSync(core)) {
    throw new Error(
      'Child processes import @hh-oauth/core from its build: run `pnpm --filter @hh-oauth/core build` (or `pnpm build`) first.',
    );
  }
  const root = join(PACKAGE, 'node_modules', '.cache', `xproc-${randomBytes(4).toString('hex')}`);
  const files = [...(await sources(join(PACKAGE, 'src'))), ...extra.map((f) => join(PACKAGE, f))];
  for (const file of files) {
    const { code } = await transformWithEsbuild(await readFile(file, 'utf8'), file, {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
    });
    const out = join(root, relative(PACKAGE, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, code);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
