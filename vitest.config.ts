import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';

// Tests run against each package's TypeScript source through the `@hh-oauth/source`
// export condition (TanStack's approach), so no build is needed between an edit and a test.
const source = '@hh-oauth/source';

export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'scripts/*.test.ts',
      'docs/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
    ],
    // One fast-check seed per run, printed and replayable with HH_OAUTH_SEED.
    globalSetup: ['packages/test-support/src/seed.ts'],
    setupFiles: ['packages/test-support/src/setup-seed.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
