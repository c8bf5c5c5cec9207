// The core's weight: minified + gzipped size (esbuild, gzip -9) of each entry with xstate
// external, beside oauth4webapi bundled the same way; and the time to import the built core in a
// fresh Node process beside xstate alone and oauth4webapi, same run. Goals (issue "Publishable"):
// the authorize entry ≤ 4 KB gzipped, the whole core's own code ≤ 8 KB, and importing the core
// costs at most xstate's own import time + 5 ms.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

async function gzipped(entry, options = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'neutral',
    absWorkingDir: here,
    ...options,
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gz: gzipSync(code, { level: 9 }).length };
}

/** What importing `specifier` costs in a fresh Node process, median of `runs`, in ms. */
function importMs(specifier, runs = 11) {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: here,
    });
    times.push(Number(out.toString()));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const authorize = await gzipped(dist('bundle/authorize.js'), { external: ['xstate'] });
const own = await gzipped(dist('bundle/index.js'), { external: ['xstate'] });
const all = await gzipped(dist('bundle/index.js'));
const anchor = await gzipped('oauth4webapi');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('core: size (esbuild --minify, gzip -9) and import time (fresh process, median of 11)');
console.table([
  {
    what: '@hh-oauth/core/authorize',
    'min+gz': kb(authorize.gz),
    minified: kb(authorize.raw),
    goal: '≤ 4 KB',
  },
  {
    what: '@hh-oauth/core, own code (xstate external)',
    'min+gz': kb(own.gz),
    minified: kb(own.raw),
    goal: '≤ 8 KB',
  },
  { what: '@hh-oauth/core with xstate', 'min+gz': kb(all.gz), minified: kb(all.raw), goal: '' },
  { what: 'oauth4webapi [anchor]', 'min+gz': kb(anchor.gz), minified: kb(anchor.raw), goal: '' },
]);
const xstateMs = importMs('xstate');
const coreMs = importMs(dist('bundle/index.js'));
const modulesMs = importMs(dist('index.js'));
const authorizeMs = importMs(dist('bundle/authorize.js'));
const anchorMs = importMs('oauth4webapi');
const row = (what, ms, note = '') => ({
  import: what,
  ms: ms.toFixed(1),
  'vs xstate': `${ms >= xstateMs ? '+' : ''}${(ms - xstateMs).toFixed(1)} ms`,
  note,
});
console.table([
  row('xstate alone [baseline]', xstateMs),
  row('@hh-oauth/core (bundled dist)', coreMs, 'goal ≤ xstate + 5 ms'),
  row('@hh-oauth/core (tsc modules, unbundled)', modulesMs),
  row('@hh-oauth/core/authorize', authorizeMs),
  row('oauth4webapi [anchor]', anchorMs),
]);
