// Configuration: what startEmulator (and so the CLI's --config) accepts, refuses, and returns to
// on reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { type Emulator, EmulatorInputError, startEmulator } from '../src/index.js';
import { api, control, token, tokenError } from './helpers.js';

describe('parseConfig', () => {
  it.each([
    [{ port: 70000 }, 'config.port must be an integer from 0 to 65535'],
    [{ tokenTtlSeconds: 0 }, 'config.tokenTtlSeconds must be a number of seconds from 1 to'],
    [{ now: 'yesterday' }, 'config.now must be an ISO 8601 date-time or ms since the epoch'],
    [{ accountChooser: 'maybe' }, 'config.accountChooser must be one of "chooser", "immediate"'],
    [{ basicAuth: true }, 'config.basicAuth must be one of "refuse", "accept"'],
    [{ app: { redirectUri: 'javascript:alert(1)' } }, 'config.app.redirectUri'],
    [{ apps: [{ clientId: 'X' }] }, 'config.apps[0].redirectUri is required'],
    [{ users: [{ login: 'a@example.com' }] }, 'config.users[0].password is required'],
    [
      { users: [{ login: 'a@example.com', password: 'p', admin: true }] },
      'config.users[0].admin is not a known key',
    ],
    [
      { routes: [{ path: 'vacancies' }] },
      'config.routes[0] is invalid: route path must start with /',
    ],
    [{ faults: [{ kind: 'explode' }] }, 'config.faults[0] is invalid: fault kind must be one of'],
    [{ userAgentBlacklist: 'curl/*' }, 'config.userAgentBlacklist must be a list'],
    [
      { app: { clientId: 'A' }, apps: [{ clientId: 'A', redirectUri: 'https://e.example/cb' }] },
      'config.apps repeat a clientId',
    ],
  ])('%j: %s', (config, message) => {
    expect(() => parseConfig(config)).toThrow(EmulatorInputError);
    expect(() => parseConfig(config)).toThrow(message);
  });

  it('accepts ISO times and ms for now', () => {
    expect(parseConfig({ now: '2030-01-01T00:00:00Z' }).now).toBe(
      Date.parse('2030-01-01T00:00:00Z'),
    );
    expect(parseConfig({ now: 1_900_000_000_000 }).now).toBe(1_900_000_000_000);
  });

  it('startEmulator refuses a bad option before it binds', async () => {
    await expect(
      startEmulator({ users: [{ login: 'a@example.com', password: '' }] }),
    ).rejects.toThrow('options.users[0].password must be a non-empty string');
    await expect(
      startEmulator({ users: [{ login: 'applicant@example.com', password: 'x' }] }),
    ).rejects.toThrow('users[0].login repeats a seeded user');
  });
});

describe('reset returns to the configured state', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      app: {
        clientId: 'CI-APP',
        clientSecret: 'CI-SECRET',
        redirectUri: 'https://ci.example.com/cb',
      },
      apps: [
        {
          clientId: 'SECOND',
          clientSecret: 'SECOND-SECRET',
          redirectUri: 'https://two.example.com/cb',
        },
      ],
      users: [
        { login: 'CI@Example.com', password: 'ci-pass', kind: 'employer', loginNotAllowed: true },
      ],
      tokenTtlSeconds: 120,
      userAgentBlacklist: ['BadBot/*'],
      routes: [{ path: '/vacancies/:id', body: { id: 'stub' } }],
      faults: [{ kind: 'status', path: '/me', times: 1 }],
    });
  });
  afterAll(() => emulator.close());

  it('configured apps, users, TTLs, blacklist, routes and faults come back; other apps go', async () => {
    emulator.controls.registerApp({ redirectUri: 'https://gone.example/cb', clientId: 'GONE' });
    emulator.controls.setTtl({ tokenTtlSeconds: 5 });
    emulator.controls.clearRoutes();
    emulator.controls.clearFaults();
    await control(emulator, '/reset');
    for (const [clientId, secret] of [
      ['CI-APP', 'CI-SECRET'],
      ['SECOND', 'SECOND-SECRET'],
    ] as const) {
      const answer = await token(emulator, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      });
      expect(answer.status, clientId).toBe(200);
    }
    const gone = await token(emulator, {
      grant_type: 'client_credentials',
      client_id: 'GONE',
      client_secret: 'x',
    });
    expect(gone.body['error']).toBe('invalid_client');
    expect(emulator.controls.setTtl({})).toEqual({ tokenTtlSeconds: 120, codeTtlSeconds: 600 });
    expect(emulator.controls.userAgentBlacklist()).toEqual(['BadBot/*']);
    expect(emulator.controls.routes()).toHaveLength(1);
    expect(emulator.controls.faults()).toHaveLength(1);
    expect(emulator.users.map((u) => u.login)).toContain('ci@example.com');
  });

  it('a configured user signs in; loginNotAllowed answers "login not allowed"', async () => {
    await control(emulator, '/reset');
    const code = emulator.controls.issueCode({ clientId: 'CI-APP', login: 'ci@example.com' });
    expect(
      await token(emulator, {
        grant_type: 'authorization_code',
        client_id: 'CI-APP',
        client_secret: 'CI-SECRET',
        code,
      }),
    ).toEqual(tokenError(400, 'invalid_request', 'login not allowed'));
    emulator.controls.setUserFlags('ci@example.com', { loginNotAllowed: false });
    const pair = await token(emulator, {
      grant_type: 'authorization_code',
      client_id: 'CI-APP',
      client_secret: 'CI-SECRET',
      code,
    });
    expect(pair.status).toBe(200);
    emulator.controls.clearFaults();
    const me = await api(emulator, '/me', { token: pair.body['access_token'] as string });
    expect(me.body).toMatchObject({ email: 'ci@example.com', is_employer: true });
  });
});
