#!/usr/bin/env node
// Runs the whole vitest suite N times in a row (default 10) and reports every test that failed at
// least once, with the runs and seeds it failed under, so a flaky test cannot hide behind a retry.
//
//   pnpm test:repeat            # 10 runs
//   pnpm test:repeat 25         # 25 runs
//   pnpm test:repeat 5 -- packages/client   # extra arguments go to vitest
//
// Each run gets its own fast-check seed (HH_OAUTH_SEED), printed beside any failure: replay one
// with `HH_OAUTH_SEED=<seed> pnpm vitest run <file>`. Exit status: 0 only if every run passed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const separator = args.indexOf('--');
const ours = separator === -1 ? args : args.slice(0, separator);
const vitestArgs = separator === -1 ? [] : args.slice(separator + 1);
const runsText = ours[0] ?? process.env.HH_OAUTH_REPEAT ?? '10';
const runs = Number(runsText);
if (ours.length > 1 || !Number.isInteger(runs) || runs < 1) {
  console.error(
    `test:repeat: usage: pnpm test:repeat [RUNS] [-- VITEST_ARGS...]; RUNS must be a positive integer, got ${JSON.stringify(ours.join(' ') || runsText)}`,
  );
  process.exit(2);
}

const outDir = join(process.cwd(), '.tmp', 'repeat');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const build = spawnSync('pnpm', ['exec', 'tsc', '-b'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** test's full name → the runs it failed in */
const failures = new Map();
const summary = [];
const started = Date.now();
for (let run = 1; run <= runs; run++) {
  const seed = (Math.random() * 0x7fffffff) | 0;
  const report = join(outDir, `run-${run}.json`);
  const runStart = Date.now();
  const result = spawnSync(
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...vitestArgs,
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, HH_OAUTH_SEED: String(seed) },
    },
  );
  const seconds = ((Date.now() - runStart) / 1000).toFixed(1);
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    // No report at all (vitest crashed): that counts as a failed run of its own.
    const name = `(run ${run} produced no report; vitest exited with ${result.status ?? result.signal})`;
    failures.set(name, [{ run, seed }]);
    summary.push(`run ${run}/${runs}: no report (${seconds} s, seed ${seed})`);
    continue;
  }
  for (const file of json.testResults) {
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      const name = `${file.name} (the file failed to load: ${file.message ?? 'no message'})`;
      failures.set(name, [...(failures.get(name) ?? []), { run, seed }]);
    }
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      const name = `${file.name.replace(`${process.cwd()}/`, '')} › ${test.fullName}`;
      failures.set(name, [...(failures.get(name) ?? []), { run, seed }]);
    }
  }
  summary.push(
    `run ${run}/${runs}: ${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests + json.numTodoTests} skipped (${seconds} s, seed ${seed})`,
  );
  console.log(summary.at(-1));
}

console.log(`\ntest:repeat: ${runs} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const line of summary) console.log(`  ${line}`);
if (failures.size === 0) {
  console.log('no test failed in any run');
} else {
  console.log(`${failures.size} test(s) failed at least once:`);
  for (const [name, where] of failures) {
    const runsText = where.map(({ run, seed }) => `run ${run} (seed ${seed})`).join(', ');
    console.log(`  ✗ ${name}\n      ${where.length}/${runs}: ${runsText}`);
  }
}
process.exit(failures.size === 0 ? 0 : 1);
