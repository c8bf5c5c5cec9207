// grant_type=refresh_token: docs/hh-protocol.md §2 and the refresh rows of the token-error table.
import { describe, expect, it } from 'vitest';
import { APPLICANT, DEFAULT_TOKEN_TTL_SECONDS, EMPLOYER } from '../src/index.js';
import { api, pair, token, tokenError, useEmulator } from './helpers.js';

const emulator = useEmulator();

const refresh = (refreshToken: string | undefined, path = '/oauth/token') =>
  token(
    emulator(),
    {
      grant_type: 'refresh_token',
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    },
    path,
  );

const expire = () => emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS);

describe('refresh_token grant', () => {
  it('before the access token expired: token not expired (and the pair is kept)', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.advanceClock(DEFAULT_TOKEN_TTL_SECONDS - 10);
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_grant', 'token not expired'),
    );
    emulator().controls.advanceClock(10);
    expect((await refresh(p.refresh_token)).status).toBe(200);
  });

  it('after expiry: a new pair of the same shape, which works', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    expire();
    const answer = await refresh(p.refresh_token, '/token');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'bearer', expires_in: 1_209_600 });
    expect(answer.body['access_token']).not.toBe(p.access_token);
    expect(answer.body['refresh_token']).not.toBe(p.refresh_token);
    const me = await api(emulator(), '/me', { token: answer.body['access_token'] as string });
    expect(me.status).toBe(200);
  });

  it('a refresh token is single-use: token has already been refreshed', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    expire();
    expect((await refresh(p.refresh_token)).status).toBe(200);
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_grant', 'token has already been refreshed'),
    );
  });

  it('two concurrent refreshes with one refresh token: exactly one wins', async () => {
    const p = await pair(emulator(), EMPLOYER.login);
    expire();
    const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(p.refresh_token)));
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((a) => a.status !== 200)) {
      expect(loser).toEqual(tokenError(400, 'invalid_grant', 'token has already been refreshed'));
    }
  });

  it('no refresh_token, or an empty one: token is empty', async () => {
    const empty = tokenError(400, 'invalid_request', 'token is empty');
    expect(await refresh(undefined)).toEqual(empty);
    expect(await refresh('')).toEqual(empty);
  });

  it('a malformed value: bad token', async () => {
    const bad = tokenError(400, 'invalid_grant', 'bad token');
    expect(await refresh('not a token!')).toEqual(bad);
    const p = await pair(emulator(), APPLICANT.login);
    expect(await refresh(p.access_token)).toEqual(bad);
  });

  it('a well-formed unknown value: token not found', async () => {
    expect(await refresh(`hhr_${'B'.repeat(43)}`)).toEqual(
      tokenError(400, 'invalid_request', 'token not found'),
    );
  });

  it('the user changed the password: token deactivated', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.changePassword(APPLICANT.login, 'another-password');
    expire();
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_grant', 'token deactivated'),
    );
  });

  it("the user's tokens were revoked: token was revoked", async () => {
    const p = await pair(emulator(), APPLICANT.login);
    expect(emulator().controls.revokeTokens(APPLICANT.login)).toBe(1);
    expire();
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_grant', 'token was revoked'),
    );
  });

  it('after DELETE /oauth/token the refresh token is dead: token was revoked', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    const deleted = await api(emulator(), '/oauth/token', {
      token: p.access_token,
      method: 'DELETE',
    });
    expect(deleted.status).toBe(204);
    expire();
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_grant', 'token was revoked'),
    );
  });

  it('a locked, unverified or password-invalidated account is refused', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    expire();
    const { controls } = emulator();
    controls.lockUser(APPLICANT.login);
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_request', 'account is locked'),
    );
    controls.setUserFlags(APPLICANT.login, { locked: false, passwordInvalidated: true });
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_request', 'password invalidated'),
    );
    controls.setUserFlags(APPLICANT.login, { passwordInvalidated: false, verified: false });
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_request', 'login not verified'),
    );
    controls.setUserFlags(APPLICANT.login, { verified: true });
    expect((await refresh(p.refresh_token)).status).toBe(200);
  });

  it('the application was deleted: invalid_client', async () => {
    const p = await pair(emulator(), APPLICANT.login);
    emulator().controls.deleteApp(emulator().app.clientId);
    expire();
    expect(await refresh(p.refresh_token)).toEqual(
      tokenError(400, 'invalid_client', 'client_id or client_secret not found'),
    );
  });

  it('the token TTL is a control', async () => {
    emulator().controls.setTtl({ tokenTtlSeconds: 60 });
    const p = await pair(emulator(), APPLICANT.login);
    expect(p.expires_in).toBe(60);
    emulator().controls.advanceClock(60);
    expect((await refresh(p.refresh_token)).status).toBe(200);
  });
});
