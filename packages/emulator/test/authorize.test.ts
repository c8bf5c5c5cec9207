// GET /oauth/authorize and its forms over HTTP (docs/hh-protocol.md §1); the browser test clicks through.
import { describe, expect, it } from 'vitest';
import { APPLICANT, EMPLOYER, type Emulator } from '../src/index.js';
import { FormClient, hiddenFields, queryOf, token, useEmulator } from './helpers.js';

const emulator = useEmulator();

const authorizeUrl = (params: Record<string, string>) =>
  `/oauth/authorize?${new URLSearchParams(params)}`;

/** Registers an app whose saved redirect_uri is docs/hh-protocol.md's example. */
const exampleApp = (e: Emulator) =>
  e.controls.registerApp({ name: 'Example', redirectUri: 'http://example.com/oauth' });

/** Signs in through the login form of an authorize page; returns the next answer. */
async function signIn(client: FormClient, html: string, login: string, password: string) {
  return client.post('/oauth/authorize/login', { ...hiddenFields(html), login, password });
}

describe('authorize: requests that are never redirected', () => {
  it('an unknown or missing client_id: 400 HTML page, no redirect', async () => {
    const client = new FormClient(emulator().url);
    for (const params of [
      { response_type: 'code', client_id: 'nope' },
      { response_type: 'code' },
    ]) {
      const answer = await client.get(authorizeUrl(params));
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.html).toContain('Unknown application');
    }
  });

  it.each([
    ['https://example.com/oauth', 'other scheme'],
    ['http://wwwexample.com/oauth', 'other domain'],
    ['http://wwwexample.com/', 'other path'],
    ['http://example.com/oauths', 'path prefix'],
    ['http://example.com:80/oauths', 'port'],
    ['http://user@example.com/oauth', 'userinfo'],
    ['http://example.com/oauth/../admin', 'dot segment'],
    ['', 'empty'],
  ])('a rejected redirect_uri %j (%s): 400 HTML page, no redirect', async (requested) => {
    const app = exampleApp(emulator());
    const client = new FormClient(emulator().url);
    const answer = await client.get(
      authorizeUrl({ response_type: 'code', client_id: app.clientId, redirect_uri: requested }),
    );
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.html).toContain('Invalid redirect_uri');
  });

  it.each([
    'http://www.example.com/oauth',
    'http://www.example.com/oauth/sub/path',
    'http://example.com/oauth?lang=RU',
    'http://www.example.com/oauth/sub/path?lang=RU',
  ])('an allowed redirect_uri %j: the login form', async (requested) => {
    const app = exampleApp(emulator());
    const client = new FormClient(emulator().url);
    const answer = await client.get(
      authorizeUrl({ response_type: 'code', client_id: app.clientId, redirect_uri: requested }),
    );
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('<label for="login">Login</label>');
    expect(answer.html).toContain('<label for="password">Password</label>');
    expect(answer.html).toContain('Sign in</button>');
    expect(hiddenFields(answer.html)['redirect_uri']).toBe(requested);
  });

  it('a wrong response_type is redirected with unsupported_response_type', async () => {
    const client = new FormClient(emulator().url);
    const answer = await client.get(
      authorizeUrl({ response_type: 'token', client_id: emulator().app.clientId, state: 's1' }),
    );
    expect(answer.status).toBe(302);
    expect(queryOf(answer.location)).toEqual({ error: 'unsupported_response_type', state: 's1' });
  });
});

describe('authorize: the flow', () => {
  it('login, Allow: 302 to redirect_uri (its query kept) with code and state; the code works', async () => {
    const app = exampleApp(emulator());
    const requested = 'http://www.example.com/oauth/sub?lang=RU';
    const client = new FormClient(emulator().url);
    const login = await client.get(
      authorizeUrl({
        response_type: 'code',
        client_id: app.clientId,
        state: 'st&te=1',
        redirect_uri: requested,
      }),
    );
    const consent = await signIn(client, login.html, APPLICANT.login, APPLICANT.password);
    expect(consent.status).toBe(200);
    expect(consent.html).toContain('>Allow</button>');
    expect(consent.html).toContain('>Deny</button>');
    const allowed = await client.post('/oauth/authorize/consent', {
      ...hiddenFields(consent.html),
      decision: 'allow',
    });
    expect(allowed.status).toBe(302);
    expect(allowed.location?.startsWith(`${requested}&code=`)).toBe(true);
    const { code, state, lang } = queryOf(allowed.location);
    expect({ state, lang }).toEqual({ state: 'st&te=1', lang: 'RU' });
    const exchanged = await token(emulator(), {
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code: code!,
      redirect_uri: requested,
    });
    expect(exchanged.status).toBe(200);
  });

  it('without redirect_uri: the saved one is used, and none may be sent to the token endpoint', async () => {
    const client = new FormClient(emulator().url);
    const login = await client.get(
      authorizeUrl({ response_type: 'code', client_id: emulator().app.clientId }),
    );
    const consent = await signIn(client, login.html, EMPLOYER.login, EMPLOYER.password);
    const allowed = await client.post('/oauth/authorize/consent', {
      ...hiddenFields(consent.html),
      decision: 'allow',
    });
    expect(allowed.location?.startsWith(`${emulator().app.redirectUri}?code=`)).toBe(true);
    expect(queryOf(allowed.location)).not.toHaveProperty('state');
    const exchanged = await token(emulator(), {
      grant_type: 'authorization_code',
      client_id: emulator().app.clientId,
      client_secret: emulator().app.clientSecret,
      code: queryOf(allowed.location)['code']!,
    });
    expect(exchanged.status).toBe(200);
  });

  it('Deny: redirect with error=access_denied and state', async () => {
    const client = new FormClient(emulator().url);
    const login = await client.get(
      authorizeUrl({ response_type: 'code', client_id: emulator().app.clientId, state: 'xyz' }),
    );
    const consent = await signIn(client, login.html, APPLICANT.login, APPLICANT.password);
    const denied = await client.post('/oauth/authorize/consent', {
      ...hiddenFields(consent.html),
      decision: 'deny',
    });
    expect(denied.status).toBe(302);
    expect(queryOf(denied.location)).toEqual({ error: 'access_denied', state: 'xyz' });
  });

  it('a wrong password or a locked account: the form again, with a message', async () => {
    const client = new FormClient(emulator().url);
    const login = await client.get(
      authorizeUrl({ response_type: 'code', client_id: emulator().app.clientId }),
    );
    const wrong = await signIn(client, login.html, APPLICANT.login, 'wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('Wrong login or password.');
    emulator().controls.lockUser(APPLICANT.login);
    const locked = await signIn(client, wrong.html, APPLICANT.login, APPLICANT.password);
    expect(locked.html).toContain('This account is locked.');
  });

  it('a form post without the session CSRF token: 403, nothing happens', async () => {
    const client = new FormClient(emulator().url);
    const login = await client.get(
      authorizeUrl({ response_type: 'code', client_id: emulator().app.clientId }),
    );
    const fields = { ...hiddenFields(login.html), csrf: 'forged' };
    const answer = await client.post('/oauth/authorize/login', {
      ...fields,
      login: APPLICANT.login,
      password: APPLICANT.password,
    });
    expect(answer.status).toBe(403);
    const stranger = new FormClient(emulator().url);
    const other = await stranger.post('/oauth/authorize/login', {
      ...hiddenFields(login.html),
      login: APPLICANT.login,
      password: APPLICANT.password,
    });
    expect(other.status).toBe(403);
  });

  it('signed in and already allowed: the account chooser, skip_choose_account, force_login', async () => {
    const client = new FormClient(emulator().url);
    const params = { response_type: 'code', client_id: emulator().app.clientId, state: 'a' };
    const login = await client.get(authorizeUrl(params));
    const consent = await signIn(client, login.html, APPLICANT.login, APPLICANT.password);
    await client.post('/oauth/authorize/consent', {
      ...hiddenFields(consent.html),
      decision: 'allow',
    });

    const chooser = await client.get(authorizeUrl(params));
    expect(chooser.status).toBe(200);
    expect(chooser.html).toContain('>Continue</button>');
    expect(chooser.html).toContain('>Switch account</button>');
    const continued = await client.post('/oauth/authorize/account', {
      ...hiddenFields(chooser.html),
      action: 'continue',
    });
    expect(continued.status).toBe(302);
    expect(queryOf(continued.location)).toMatchObject({ state: 'a', code: expect.any(String) });

    const skipped = await client.get(authorizeUrl({ ...params, skip_choose_account: 'true' }));
    expect(skipped.status).toBe(302);
    expect(queryOf(skipped.location)).toMatchObject({ state: 'a', code: expect.any(String) });

    const forced = await client.get(authorizeUrl({ ...params, force_login: 'true' }));
    expect(forced.status).toBe(200);
    expect(forced.html).toContain('Sign in</button>');

    const switched = await client.post('/oauth/authorize/account', {
      ...hiddenFields(chooser.html),
      action: 'switch',
    });
    expect(switched.html).toContain('Sign in</button>');
    const employerConsent = await signIn(client, switched.html, EMPLOYER.login, EMPLOYER.password);
    expect(employerConsent.html).toContain('>Allow</button>');
  });

  it('sets an HttpOnly session cookie', async () => {
    const response = await fetch(
      `${emulator().url}${authorizeUrl({ response_type: 'code', client_id: emulator().app.clientId })}`,
    );
    const cookie = response.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^hh_emulator_session=hhs_/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });
});
