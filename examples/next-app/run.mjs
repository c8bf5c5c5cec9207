#!/usr/bin/env node
// `pnpm --filter @hh-oauth/example-next start` (after `next build`): the emulator in this process,
// `next start` beside it on 127.0.0.1, configured to use it. PORT (default 3000) is Next's port.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { startEmulator } from '@hh-oauth/emulator';

const port = Number(process.env.PORT ?? 3000);
const origin = `http://127.0.0.1:${port}`;
const emulator = await startEmulator({
  app: { redirectUri: `${origin}/auth/callback`, name: 'Next.js example' },
});
const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    APP_ORIGIN: origin,
    HH_CLIENT_ID: emulator.app.clientId,
    HH_CLIENT_SECRET: emulator.app.clientSecret,
    HH_REDIRECT_URI: `${origin}/auth/callback`,
    HH_USER_AGENT: 'hh-oauth-next-example/1.0 (example@example.com)',
    HH_COOKIE_SECRET: process.env.HH_COOKIE_SECRET ?? randomBytes(32).toString('base64url'),
    HH_OAUTH_BASE_URL: emulator.url,
    HH_API_BASE_URL: emulator.url,
  },
});
console.log(`next example: open ${origin} (hh.ru emulated at ${emulator.url})`);
console.log('  sign in as applicant@example.com / hh-applicant');
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
child.once('exit', async (code) => {
  await emulator.close();
  process.exit(code ?? 0);
});
