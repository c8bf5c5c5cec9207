// GET /__emulator/requests: what clients sent, filtered, with every secret cut to a prefix.
import { describe, expect, it } from 'vitest';
import { APPLICANT, type RequestLogEntry } from '../src/index.js';
import { redact } from '../src/request-log.js';
import { api, code, control, token, useEmulator } from './helpers.js';

const emulator = useEmulator();

async function requests(query = ''): Promise<RequestLogEntry[]> {
  const answer = await control(emulator(), `/requests${query}`, undefined, 'GET');
  expect(answer.status).toBe(200);
  return answer.body['requests'] as RequestLogEntry[];
}

describe('the request log', () => {
  it('records the flow a client ran, and no secret, code or token in full', async () => {
    const { clientId, clientSecret } = emulator().app;
    const issued = code(emulator(), APPLICANT.login);
    const exchanged = await token(emulator(), {
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: clientSecret,
      code: issued,
    });
    const access = exchanged.body['access_token'] as string;
    const refresh = exchanged.body['refresh_token'] as string;
    await api(emulator(), '/me', { token: access });
    const early = await token(emulator(), { grant_type: 'refresh_token', refresh_token: refresh });
    expect(early.body['error_description']).toBe('token not expired');
    const app = await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    const appToken = app.body['access_token'] as string;
    await api(emulator(), '/me', { token: appToken });
    emulator().controls.addFault({ kind: 'status', path: '/oauth/token' });
    await token(emulator(), { grant_type: 'refresh_token', refresh_token: refresh });

    const log = await requests();
    expect(log.map((e) => [e.method, e.path, e.status, e.grantType, e.error])).toEqual([
      ['POST', '/oauth/token', 200, 'authorization_code', null],
      ['GET', '/me', 200, null, null],
      ['POST', '/oauth/token', 400, 'refresh_token', 'invalid_grant'],
      ['POST', '/oauth/token', 200, 'client_credentials', null],
      ['GET', '/me', 200, null, null],
      ['POST', '/oauth/token', 503, 'refresh_token', 'injected fault'],
    ]);
    expect(log[0]).toMatchObject({
      clientId,
      clientAuth: 'body',
      userAgent: expect.stringMatching(/^HhOAuthTests/),
    });
    expect(log[2]).toMatchObject({ errorDescription: 'token not expired', clientAuth: 'none' });
    expect(log[0]!.form).toEqual({
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: redact(clientSecret),
      code: redact(issued),
    });
    expect(log[1]!.authorization).toBe(`Bearer ${redact(access)}`);
    expect(log[1]!.authorization).toMatch(/^Bearer hha_/);
    expect(log.every((e) => e.durationMs >= 0 && e.id > 0)).toBe(true);
    const shown = JSON.stringify(log);
    for (const secret of [clientSecret, issued, access, refresh, appToken]) {
      expect(shown).not.toContain(secret);
      // Not even its second half.
      expect(shown).not.toContain(secret.slice(-Math.ceil(secret.length / 2)));
    }
  });

  it('filters by method, path, grant type, client, status, since and limit; controls are not logged', async () => {
    await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'x',
    });
    await api(emulator(), '/me');
    await api(emulator(), '/manager_accounts/mine');
    expect((await requests('?path=/me')).map((e) => e.status)).toEqual([403]);
    expect(await requests('?grantType=client_credentials&clientId=nobody')).toHaveLength(1);
    expect(await requests('?method=get')).toHaveLength(2);
    expect((await requests('?status=400'))[0]?.errorDescription).toBe(
      'client_id or client_secret not found',
    );
    const all = await requests();
    expect(all).toHaveLength(3);
    expect((await requests(`?since=${all[0]!.id}`)).map((e) => e.path)).toEqual([
      '/me',
      '/manager_accounts/mine',
    ]);
    expect((await requests('?limit=1')).map((e) => e.path)).toEqual(['/manager_accounts/mine']);
    expect((await control(emulator(), '/requests?limit=x', undefined, 'GET')).status).toBe(400);
    await control(emulator(), '/requests', undefined, 'DELETE');
    expect(await requests()).toEqual([]);
  });

  it('reset empties it', async () => {
    await api(emulator(), '/me');
    await control(emulator(), '/reset');
    expect(await requests()).toEqual([]);
  });

  it('redact keeps at most a quarter, and at most 8 characters', () => {
    expect(redact('hha_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG')).toBe('hha_abcd…');
    expect(redact('short')).toBe('s…');
    expect(redact('abc')).toBe('…');
  });
});
