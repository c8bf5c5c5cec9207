// The API: User-Agent rules, /me shapes, manager accounts, DELETE /oauth/token, oauth errors.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { APPLICANT, DEFAULT_TOKEN_TTL_SECONDS, EMPLOYER } from '../src/index.js';
import { api, pair, token, useEmulator } from './helpers.js';

const emulator = useEmulator();

/** A request with exactly these headers (fetch would add `User-Agent: node`). */
function raw(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emulator().url}${path}`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const oauth = (value: string) => ({ status: 403, body: { errors: [{ type: 'oauth', value }] } });
const badAgent = (value: string) => ({
  status: 400,
  body: { errors: [{ type: 'bad_user_agent', value }] },
});

async function appToken(): Promise<string> {
  const answer = await token(emulator(), {
    grant_type: 'client_credentials',
    client_id: emulator().app.clientId,
    client_secret: emulator().app.clientSecret,
  });
  return answer.body['access_token'] as string;
}

describe('User-Agent', () => {
  it('neither User-Agent nor HH-User-Agent: 400 bad_user_agent/unset', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    expect(await raw('/me', { Authorization: `Bearer ${p.access_token}` })).toEqual(
      badAgent('unset'),
    );
  });

  it('HH-User-Agent alone is enough (browsers)', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const answer = await raw('/me', {
      Authorization: `Bearer ${p.access_token}`,
      'HH-User-Agent': 'MyApp/1.0 (me@example.com)',
    });
    expect(answer.status).toBe(200);
  });

  it('with both, only HH-User-Agent is read', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const auth = { Authorization: `Bearer ${p.access_token}` };
    const good = 'MyApp/1.0 (me@example.com)';
    expect(
      (await raw('/me', { ...auth, 'User-Agent': 'curl/8.5.0', 'HH-User-Agent': good })).status,
    ).toBe(200);
    expect(
      await raw('/me', { ...auth, 'User-Agent': good, 'HH-User-Agent': 'curl/8.5.0' }),
    ).toEqual(badAgent('blacklisted'));
  });

  it("generic clients' defaults are blacklisted, including fetch's `node`", async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const response = await fetch(`${emulator().url}/me`, {
      headers: { Authorization: `Bearer ${p.access_token}` },
    });
    expect({ status: response.status, body: await response.json() }).toEqual(
      badAgent('blacklisted'),
    );
    for (const agent of ['curl/8.5.0', 'python-requests/2.31', 'Go-http-client/1.1', 'undici']) {
      expect(await raw('/me', { 'User-Agent': agent })).toEqual(badAgent('blacklisted'));
    }
  });

  it('the blacklist is a control (exact values and `prefix*` entries, any case)', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.setUserAgentBlacklist(['BadBot/*', 'exact-agent']);
    const auth = { Authorization: `Bearer ${p.access_token}` };
    expect(await raw('/me', { ...auth, 'User-Agent': 'badbot/2.0' })).toEqual(
      badAgent('blacklisted'),
    );
    expect(await raw('/me', { ...auth, 'User-Agent': 'Exact-Agent' })).toEqual(
      badAgent('blacklisted'),
    );
    expect((await raw('/me', { ...auth, 'User-Agent': 'exact-agent/2' })).status).toBe(200);
    expect((await raw('/me', { ...auth, 'User-Agent': 'curl/8.5.0' })).status).toBe(200);
  });

  it('the User-Agent is checked before the token', async () => {
    expect(await raw('/me', {})).toEqual(badAgent('unset'));
  });
});

describe('GET /me', () => {
  it('an applicant', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const me = await api(emulator(), '/me', { token: p.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: '1001',
      first_name: 'Anna',
      last_name: 'Applicant',
      email: APPLICANT.login,
      is_applicant: true,
      is_employer: false,
      is_application: false,
    });
    expect(me.body).not.toHaveProperty('employer');
  });

  it('an employer manager, with employer and manager', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    const me = await api(emulator(), '/me', { token: p.access_token });
    expect(me.body).toMatchObject({
      id: '2001',
      email: EMPLOYER.login,
      is_applicant: false,
      is_employer: true,
      is_application: false,
      employer: { id: '3001', name: 'Example Employer LLC', manager_id: '4001' },
      manager: { id: '4001' },
    });
  });

  it('an application token: only the flags, is_application true', async () => {
    const me = await api(emulator(), '/me', { token: await appToken() });
    expect(me).toEqual({
      status: 200,
      body: {
        is_admin: false,
        is_anonymous: false,
        is_applicant: false,
        is_employer: false,
        is_application: true,
        auth_type: 'application',
      },
    });
  });
});

describe('manager accounts', () => {
  it("GET /manager_accounts/mine lists the employer's two work accounts", async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    const mine = await api(emulator(), '/manager_accounts/mine', { token: p.access_token });
    expect(mine).toEqual({
      status: 200,
      body: {
        items: [
          { id: '4001', name: expect.any(String), is_main: true },
          { id: '4002', name: expect.any(String), is_main: false },
        ],
        primary_account_id: '4001',
      },
    });
  });

  it('X-Manager-Account-Id selects a work account', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    const me = await api(emulator(), '/me', {
      token: p.access_token,
      headers: { 'X-Manager-Account-Id': '4002' },
    });
    expect(me.body).toMatchObject({ manager: { id: '4002' }, employer: { manager_id: '4002' } });
  });

  it('an unknown X-Manager-Account-Id: 403', async () => {
    const employer = await pair(emulator(), EMPLOYER.login);
    const unknown = await api(emulator(), '/me', {
      token: employer.access_token,
      headers: { 'X-Manager-Account-Id': '9999' },
    });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual({ errors: [{ type: 'manager_account', value: 'not_found' }] });
    const applicant = await pair(emulator(), APPLICANT.login);
    const other = await api(emulator(), '/me', {
      token: applicant.access_token,
      headers: { 'X-Manager-Account-Id': '4001' },
    });
    expect(other.status).toBe(403);
  });

  it('an applicant has no manager accounts: 403; an app token: user_auth_expected', async () => {
    const applicant = await pair(emulator(), APPLICANT.login);
    const mine = await api(emulator(), '/manager_accounts/mine', { token: applicant.access_token });
    expect(mine).toEqual({ status: 403, body: { errors: [{ type: 'forbidden' }] } });
    expect(await api(emulator(), '/manager_accounts/mine', { token: await appToken() })).toEqual(
      oauth('user_auth_expected'),
    );
  });
});

describe('DELETE /oauth/token', () => {
  it('a valid user token: 204, after which the token is gone', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const deleted = await api(emulator(), '/oauth/token', {
      token: p.access_token,
      method: 'DELETE',
    });
    expect(deleted).toEqual({ status: 204, body: undefined });
    expect(await api(emulator(), '/me', { token: p.access_token })).toEqual(
      oauth('bad_authorization'),
    );
    expect(
      await api(emulator(), '/oauth/token', { token: p.access_token, method: 'DELETE' }),
    ).toEqual(oauth('bad_authorization'));
  });

  it('an app token cannot be invalidated: 403', async () => {
    const app = await appToken();
    expect(await api(emulator(), '/oauth/token', { token: app, method: 'DELETE' })).toEqual(
      oauth('user_auth_expected'),
    );
    expect((await api(emulator(), '/me', { token: app })).status).toBe(200);
  });

  it('an expired or missing token: 403', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS);
    expect(
      await api(emulator(), '/oauth/token', { token: p.access_token, method: 'DELETE' }),
    ).toEqual(oauth('token_expired'));
    expect(await api(emulator(), '/oauth/token', { method: 'DELETE' })).toEqual(
      oauth('bad_authorization'),
    );
  });
});

describe('oauth errors', () => {
  it('no token, an unknown one or a malformed header: bad_authorization', async () => {
    expect(await api(emulator(), '/me')).toEqual(oauth('bad_authorization'));
    expect(await api(emulator(), '/me', { token: `hha_${'C'.repeat(43)}` })).toEqual(
      oauth('bad_authorization'),
    );
    expect(await api(emulator(), '/me', { headers: { Authorization: 'Basic abc' } })).toEqual(
      oauth('bad_authorization'),
    );
  });

  it('an expired access token: token_expired (at exactly expires_in)', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS - 1);
    expect((await api(emulator(), '/me', { token: p.access_token })).status).toBe(200);
    emulator().controls.advanceClock(1);
    expect(await api(emulator(), '/me', { token: p.access_token })).toEqual(oauth('token_expired'));
  });

  it('revoked tokens, or a password change: token_revoked', async () => {
    const a = await pair(emulator(), APPLICANT.login);
    emulator().controls.revokeTokens(APPLICANT.login);
    expect(await api(emulator(), '/me', { token: a.access_token })).toEqual(oauth('token_revoked'));
    const e = await pair(emulator(), EMPLOYER.login);
    emulator().controls.changePassword(EMPLOYER.login, 'changed');
    expect(await api(emulator(), '/me', { token: e.access_token })).toEqual(oauth('token_revoked'));
  });

  it('a deleted application: application_not_found, for user and app tokens', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const app = await appToken();
    emulator().controls.deleteApp(emulator().app.clientId);
    expect(await api(emulator(), '/me', { token: p.access_token })).toEqual(
      oauth('application_not_found'),
    );
    expect(await api(emulator(), '/me', { token: app })).toEqual(oauth('application_not_found'));
  });
});
