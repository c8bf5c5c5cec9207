// Every failure prints a message and its hint and exits with the documented code, as text or, with
// --json, as one JSON line on stderr; no secret in any of it. Needs `pnpm build`.
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './world.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('before anything is configured', () => {
  it('login, status, token and app-token say what to set; exit non-zero', async () => {
    const login = await world.run(['login']);
    expect(login.code).toBe(3);
    expect(login.stderr).toBe(
      'error: profile "default" has no client-id, user-agent (invalid_argument)\n' +
        'hint: Run `hh-oauth config set client-id ID` (see `hh-oauth config --help`).\n',
    );
    const status = await world.run(['status']);
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/hint: Run `hh-oauth config set client-id ID`/);
    const token = await world.run(['token', '--profile', 'work']);
    expect(token.code).toBe(4);
    expect(token.stderr).toMatch(/hint: Run `hh-oauth login --profile work`/);
    const app = await world.run(['app-token']);
    expect(app.code).toBe(3);
  });

  it('--json: one JSON line on stderr with code, recovery, reason, message and hint', async () => {
    const r = await world.run(['token', '--json']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        name: 'CliError',
        code: 'not_authorized',
        recovery: 'reauthorize',
        reason: 'not_signed_in',
        message: 'nobody is signed in on profile "default"',
        hint: 'Run `hh-oauth login`.',
      },
    });
  });

  it('usage errors exit 2 with a hint', async () => {
    const unknown = await world.run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/hint: run `hh-oauth --help`/);
    const path = await world.run(['api', 'me']);
    expect(path.code).toBe(2);
    expect(path.stderr).toMatch(/hint: Pass an API path such as \/me/);
    const field = await world.run(['api', '/me', '-f', 'novalue']);
    expect(field.code).toBe(2);
    const key = await world.run(['config', 'set', 'colour', 'blue']);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(
      /hint: Settings: client-id, redirect-uri, user-agent, client-secret/,
    );
    const uri = await world.run(['config', 'set', 'redirect-uri', 'http://exa mple.com/cb']);
    expect(uri.code).toBe(2);
    expect(uri.stderr).toMatch(/\(invalid_redirect_uri\)/);
    const timeout = await world.run(['login', '--timeout', 'soon']);
    expect(timeout.code).toBe(2);
  });

  it('the client secret is never taken from the command line', async () => {
    const r = await world.run(['config', 'set', 'client-secret', 'ARGV-SECRET']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not taken from the command line/);
    expect(r.stderr).not.toContain('ARGV-SECRET');
  });
});

describe('with a configuration', () => {
  beforeAll(async () => {
    await world.configure();
  });

  it('a wrong secret from the environment: app-token fails with the fix; the secret is not shown', async () => {
    // A config dir of its own, configured by the environment alone (a wrong secret's failure is
    // recorded with the app token for hh.ru's 5 minutes, and would answer the next test).
    const r = await world.run(['app-token'], {
      env: {
        HH_OAUTH_CONFIG_DIR: join(world.home, 'env-only'),
        HH_CLIENT_ID: world.clientId,
        HH_USER_AGENT: 'HhOAuthCliTest/1.0 (cli-test@example.com)',
        HH_CLIENT_SECRET: 'WRONG-SECRET-VALUE',
      },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\((invalid_client|account_not_found)\)/);
    expect(r.stderr).toMatch(/hint: The client id or secret is wrong/);
    expect(r.stderr).not.toContain('WRONG-SECRET-VALUE');
    expect(r.stderr).not.toContain(world.clientSecret);
  });

  it('app-token: the application token, shared; the next one cools down for 5 minutes', async () => {
    const a = await world.run(['app-token', '--json']);
    const b = await world.run(['app-token']);
    expect(a.code).toBe(0);
    const token = JSON.parse(a.stdout).token;
    expect(token).toMatch(/^hhp_/);
    expect(b.stdout.trim()).toBe(token);
    expect(world.emulator.controls.stats().token.client_credentials).toBe(2); // the wrong one, this one
    const api = await world.run(['api', '--app', '/me']);
    expect(JSON.parse(api.stdout)).toMatchObject({ is_application: true });
  });

  it('a store key that does not open the store: decryption_failed, with what to do', async () => {
    const r = await world.run(['config', 'list'], {
      env: { HH_OAUTH_STORE_KEY: 'ab'.repeat(32) },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/hint: The store key does not open the store/);
    const bad = await world.run(['config', 'list'], { env: { HH_OAUTH_STORE_KEY: 'short' } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/HH_OAUTH_STORE_KEY is not 64 hex digits/);
  });

  it('a key file others can read is refused until it is 0600', async () => {
    const key = join(world.home, '.config', 'hh-oauth', 'store.key');
    await chmod(key, 0o644);
    const r = await world.run(['config', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`hint: Run \`chmod 600 ${key}\`.`);
    await chmod(key, 0o600);
    expect((await world.run(['config', 'list'])).code).toBe(0);
    expect(await readFile(key, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('completion prints a script that knows the commands and their options', async () => {
    const bash = await world.run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/complete -F _hh_oauth hh-oauth/);
    expect(bash.stdout).toMatch(/login\|login:\*\) words="[^"]*--manual/);
    expect(bash.stdout).toMatch(/config:set\) words=/);
    expect((await world.run(['completion', 'fish'])).code).toBe(2);
  });
});
