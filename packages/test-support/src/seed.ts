/**
 * One fast-check seed per test run. `globalSetup` picks it — `HH_OAUTH_SEED` when set, otherwise a
 * fresh one — prints it, and hands it to every test file, where `setup-seed.ts` makes it
 * fast-check's global seed. A failing property prints its seed and path; run again with
 * `HH_OAUTH_SEED=<seed>` to replay the same inputs.
 */
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    fastCheckSeed: number;
  }
}

export function seedFromEnvironment(value: string | undefined): number {
  if (value === undefined || value === '') return (Math.random() * 0x7fffffff) | 0;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`HH_OAUTH_SEED must be an integer, got ${JSON.stringify(value)}`);
  }
  return seed | 0;
}

export default function setup(project: TestProject): void {
  const seed = seedFromEnvironment(process.env['HH_OAUTH_SEED']);
  project.provide('fastCheckSeed', seed);
  console.log(`fast-check seed: ${seed} (replay with HH_OAUTH_SEED=${seed})`);
}
