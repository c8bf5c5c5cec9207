// The core's weight: minified + gzipped size with and without xstate (esbuild), and the time to
// import the built core beside the time to import xstate alone, in fresh processes, same run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function gzipped(options) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'neutral',
    ...options,
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gz: gzipSync(code, { level: 9 }).length };
}

/** What importing `specifier` costs in a fresh Node process, median of `runs`, in ms. */
function importMs(specifier, runs = 9) {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(
      Number(
        execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
        }).toString(),
      ),
    );
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const own = await gzipped({ external: ['xstate'] });
const all = await gzipped({});
const xstateOnly = all.gz - own.gz;
const coreMs = importMs(entry);
const xstateMs = importMs('xstate');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('core: size (esbuild --minify, gzip -9) and import time (fresh process, median of 9)');
console.table([
  {
    what: "core's own code (xstate external)",
    'min+gz': kb(own.gz),
    minified: kb(own.raw),
    note: 'goal ≤ 4 KB gzipped',
  },
  {
    what: 'core with xstate bundled',
    'min+gz': kb(all.gz),
    minified: kb(all.raw),
    note: `xstate's share ≈ ${kb(xstateOnly)}`,
  },
]);
console.table([
  { import: 'xstate alone [baseline]', ms: xstateMs.toFixed(1), ratio: '1.00×' },
  {
    import: '@hh-oauth/core (dist)',
    ms: coreMs.toFixed(1),
    ratio: `${(coreMs / xstateMs).toFixed(2)}× (goal ≤ 25 ms)`,
  },
]);
