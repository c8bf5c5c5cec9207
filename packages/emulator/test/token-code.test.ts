// grant_type=authorization_code: docs/hh-protocol.md §1.3 and every code row of the token-error table.
import { describe, expect, it } from 'vitest';
import { APPLICANT, DEFAULT_CODE_TTL_SECONDS, EMPLOYER } from '../src/index.js';
import { code, token, tokenError, useEmulator } from './helpers.js';

const emulator = useEmulator();

const exchange = (codeValue: string, extra: Record<string, string> = {}) =>
  token(emulator(), {
    grant_type: 'authorization_code',
    client_id: emulator().app.clientId,
    client_secret: emulator().app.clientSecret,
    code: codeValue,
    ...extra,
  });

describe('authorization_code grant', () => {
  it('answers the documented pair shape, with a 14-day expires_in', async () => {
    const answer = await exchange(code(emulator(), APPLICANT.login));
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'token_type',
    ]);
    expect(answer.body).toMatchObject({ token_type: 'bearer', expires_in: 1_209_600 });
    expect(answer.body['access_token']).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(answer.body['refresh_token']).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(answer.body['access_token']).not.toBe(answer.body['refresh_token']);
  });

  it('answers on POST /token too (hh.ru OpenAPI path)', async () => {
    const answer = await token(
      emulator(),
      {
        grant_type: 'authorization_code',
        client_id: emulator().app.clientId,
        client_secret: emulator().app.clientSecret,
        code: code(emulator(), EMPLOYER.login),
      },
      '/token',
    );
    expect(answer.status).toBe(200);
  });

  it('a code is single-use: code has already been used', async () => {
    const value = code(emulator(), APPLICANT.login);
    expect((await exchange(value)).status).toBe(200);
    expect(await exchange(value)).toEqual(
      tokenError(400, 'invalid_grant', 'code has already been used'),
    );
  });

  it('a code is short-lived: code expired after the code TTL', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_CODE_TTL_SECONDS + 1);
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_grant', 'code expired'));
  });

  it('a code is still good just before the TTL ends', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_CODE_TTL_SECONDS - 5);
    expect((await exchange(value)).status).toBe(200);
  });

  it('an unknown, empty or absent code: code not found', async () => {
    const notFound = tokenError(400, 'invalid_request', 'code not found');
    expect(await exchange(`hhc_${'A'.repeat(43)}`)).toEqual(notFound);
    expect(await exchange('')).toEqual(notFound);
    const answer = await token(emulator(), {
      grant_type: 'authorization_code',
      client_id: emulator().app.clientId,
      client_secret: emulator().app.clientSecret,
    });
    expect(answer).toEqual(notFound);
  });

  it("another application's code: code not found", async () => {
    const other = emulator().controls.registerApp({ redirectUri: 'https://example.com/cb' });
    const value = emulator().controls.issueCode({
      clientId: other.clientId,
      login: APPLICANT.login,
    });
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_request', 'code not found'));
  });

  it('a failed exchange does not consume the code', async () => {
    const value = code(emulator(), APPLICANT.login);
    expect((await exchange(value, { redirect_uri: emulator().app.redirectUri })).status).toBe(400);
    expect((await exchange(value)).status).toBe(200);
  });

  it('a password change revokes outstanding codes: code was revoke', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.changePassword(APPLICANT.login, 'new-password');
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_grant', 'code was revoke'));
  });

  it("revoking the user's tokens revokes outstanding codes: code was revoke", async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.revokeTokens(APPLICANT.login);
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_grant', 'code was revoke'));
  });

  it('a locked account: account is locked', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.lockUser(APPLICANT.login);
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_request', 'account is locked'));
    emulator().controls.unlockUser(APPLICANT.login);
    expect((await exchange(value)).status).toBe(200);
  });

  it('an unverified account: login not verified', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.markUnverified(APPLICANT.login);
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_request', 'login not verified'));
  });

  it('an invalidated password: password invalidated', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.invalidatePassword(APPLICANT.login);
    expect(await exchange(value)).toEqual(
      tokenError(400, 'invalid_request', 'password invalidated'),
    );
  });
});

describe('authorization_code: the redirect_uri rule', () => {
  it('sent to authorize: the same string is accepted', async () => {
    const sent = `${emulator().app.redirectUri}/sub?lang=RU`;
    const value = code(emulator(), APPLICANT.login, sent);
    expect((await exchange(value, { redirect_uri: sent })).status).toBe(200);
  });

  it('sent to authorize: omitting it is bad redirect url', async () => {
    const value = code(emulator(), APPLICANT.login, emulator().app.redirectUri);
    expect(await exchange(value)).toEqual(tokenError(400, 'invalid_request', 'bad redirect url'));
  });

  it('sent to authorize: another string, even an equivalent one, is bad redirect url', async () => {
    const sent = `${emulator().app.redirectUri}?a=1&b=2`;
    const value = code(emulator(), APPLICANT.login, sent);
    const reordered = `${emulator().app.redirectUri}?b=2&a=1`;
    expect(await exchange(value, { redirect_uri: reordered })).toEqual(
      tokenError(400, 'invalid_request', 'bad redirect url'),
    );
    expect(await exchange(value, { redirect_uri: `${sent}&c=3` })).toEqual(
      tokenError(400, 'invalid_request', 'bad redirect url'),
    );
  });

  it('not sent to authorize: sending one (even the registered one) is bad redirect url', async () => {
    const value = code(emulator(), APPLICANT.login);
    expect(await exchange(value, { redirect_uri: emulator().app.redirectUri })).toEqual(
      tokenError(400, 'invalid_request', 'bad redirect url'),
    );
    expect(await exchange(value, { redirect_uri: '' })).toEqual(
      tokenError(400, 'invalid_request', 'bad redirect url'),
    );
  });
});

describe('client authentication', () => {
  const withClient = (clientId: string, clientSecret: string) =>
    token(emulator(), {
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: clientSecret,
      code: code(emulator(), APPLICANT.login),
    });
  const invalidClient = tokenError(400, 'invalid_client', 'client_id or client_secret not found');

  it('an unknown client_id: invalid_client', async () => {
    expect(await withClient('NO-SUCH-CLIENT', emulator().app.clientSecret)).toEqual(invalidClient);
  });

  it('a wrong or missing client_secret: invalid_client', async () => {
    expect(await withClient(emulator().app.clientId, 'wrong')).toEqual(invalidClient);
    expect(await withClient(emulator().app.clientId, '')).toEqual(invalidClient);
  });

  it('a client_id and client_secret of two different applications: account not found', async () => {
    const other = emulator().controls.registerApp({ redirectUri: 'https://example.com/cb' });
    expect(await withClient(emulator().app.clientId, other.clientSecret)).toEqual(
      tokenError(400, 'invalid_request', 'account not found'),
    );
  });

  it('a deleted application: invalid_client', async () => {
    const value = code(emulator(), APPLICANT.login);
    emulator().controls.deleteApp(emulator().app.clientId);
    expect(await exchange(value)).toEqual(invalidClient);
  });
});
