import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
export default {
  // Run hh-oauth from node_modules as the Node ESM it is, not bundled.
  serverExternalPackages: [
    '@hh-oauth/client',
    '@hh-oauth/core',
    '@hh-oauth/http',
    '@hh-oauth/storage',
    '@hh-oauth/storage-redis',
    '@hh-oauth/web',
    'ioredis',
  ],
  // `pnpm typecheck` checks the example under the repository's strict settings; the build does not
  // check types again (it stays quick in CI).
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) },
};
