#!/usr/bin/env node
/**
 * `pnpm --filter @hh-oauth/example-express start`: the example and an in-process emulator.
 * `PORT`, `EMULATOR_URL` (an emulator already running, with `HH_CLIENT_ID` / `HH_CLIENT_SECRET` of
 * an app registered there), `REDIS_URL`, `HH_COOKIE_SECRET`.
 */
import { startExample } from './start.js';

const env = process.env;
const example = await startExample({
  port: Number(env['PORT'] ?? 3000),
  ...(env['EMULATOR_URL'] ? { emulatorUrl: env['EMULATOR_URL'] } : {}),
  ...(env['REDIS_URL'] ? { redisUrl: env['REDIS_URL'] } : {}),
  ...(env['HH_COOKIE_SECRET'] ? { secret: env['HH_COOKIE_SECRET'] } : {}),
  ...(env['HH_CLIENT_ID'] ? { clientId: env['HH_CLIENT_ID'] } : {}),
  ...(env['HH_CLIENT_SECRET'] ? { clientSecret: env['HH_CLIENT_SECRET'] } : {}),
});
console.log(`express example: open ${example.url} (hh.ru emulated at ${example.emulatorUrl})`);
console.log('  sign in as applicant@example.com / hh-applicant');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void example.close().then(() => process.exit(0)));
}
