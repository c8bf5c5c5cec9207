// Fidelity options: the account chooser, HTTP Basic, the token endpoint's fault shape, CORS on
// the token endpoint, and stub API routes under hh.ru's rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, EMPLOYER, type Emulator, startEmulator } from '../src/index.js';
import {
  api,
  code,
  control,
  FormClient,
  hiddenFields,
  pair,
  token,
  UA,
  useEmulator,
} from './helpers.js';

const emulator = useEmulator();

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function basicToken(e: Emulator, fields: Record<string, string>, authorization: string) {
  const response = await fetch(`${e.url}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: authorization },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('accountChooser', () => {
  async function allowedThenAgain(e: Emulator) {
    const client = new FormClient(e.url);
    const path = `/oauth/authorize?response_type=code&client_id=${e.app.clientId}&state=s1`;
    const login = await client.get(path);
    const consent = await client.post('/oauth/authorize/login', {
      ...hiddenFields(login.html),
      login: APPLICANT.login,
      password: APPLICANT.password,
    });
    await client.post('/oauth/authorize/consent', {
      ...hiddenFields(consent.html),
      decision: 'allow',
    });
    return client.get(path.replace('s1', 's2'));
  }

  it('chooser (default): an already-allowed, signed-in user sees Continue / Switch account', async () => {
    const again = await allowedThenAgain(emulator());
    expect(again.status).toBe(200);
    expect(again.html).toContain('Switch account');
  });

  it('immediate: such a user is sent back with a code at once', async () => {
    const e = await startEmulator({ accountChooser: 'immediate' });
    try {
      const again = await allowedThenAgain(e);
      expect(again.status).toBe(302);
      expect(again.location).toMatch(/[?&]code=hhc_[^&]+&state=s2$/);
    } finally {
      await e.close();
    }
  });
});

describe('HTTP Basic client authentication', () => {
  it('is refused by default, saying that hh.ru takes the credentials in the body', async () => {
    const answer = await basicToken(
      emulator(),
      { grant_type: 'client_credentials' },
      basic(emulator().app.clientId, emulator().app.clientSecret),
    );
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('invalid_client');
    expect(answer.body['error_description']).toContain(
      'hh.ru takes client_id and client_secret in the form body',
    );
    expect(answer.body['error_description']).not.toContain(emulator().app.clientSecret);
  });

  it('is accepted with basicAuth: accept (code and client-credentials grants)', async () => {
    const e = await startEmulator({ basicAuth: 'accept' });
    try {
      const auth = basic(e.app.clientId, e.app.clientSecret);
      const exchanged = await basicToken(
        e,
        { grant_type: 'authorization_code', code: code(e, APPLICANT.login) },
        auth,
      );
      expect(exchanged.status).toBe(200);
      expect((await basicToken(e, { grant_type: 'client_credentials' }, auth)).status).toBe(200);
      const wrong = await basicToken(
        e,
        { grant_type: 'client_credentials' },
        basic(e.app.clientId, 'nope'),
      );
      expect(wrong.body['error']).toBe('invalid_client');
    } finally {
      await e.close();
    }
  });
});

describe('faults on the token endpoint', () => {
  it("answer in the token endpoint's error shape unless a body is given", async () => {
    emulator().controls.addFault({ kind: 'status', path: '/oauth/token', status: 503 });
    const answer = await token(emulator(), { grant_type: 'client_credentials' });
    expect(answer).toEqual({
      status: 503,
      body: { error: 'server_error', error_description: 'injected' },
    });
    emulator().controls.addFault({ kind: 'status', path: '/me' });
    expect((await api(emulator(), '/me')).body).toEqual({
      errors: [{ type: 'server_error', value: 'injected' }],
    });
  });
});

describe('CORS on the token endpoint', () => {
  it.each(['/oauth/token', '/token'])(
    '%s: the preflight and the POST answer both allow any origin',
    async (path) => {
      const preflight = await fetch(`${emulator().url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://127.0.0.1:1', 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      const post = await fetch(`${emulator().url}${path}`, {
        method: 'POST',
        headers: {
          Origin: 'http://127.0.0.1:1',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(post.headers.get('access-control-allow-origin')).toBe('*');
      expect(post.headers.get('cache-control')).toBe('no-store');
    },
  );
});

describe('stub API routes', () => {
  let e: Emulator;
  beforeAll(async () => {
    e = await startEmulator({ routes: [{ path: '/vacancies/:id', body: { id: 'from-config' } }] });
  });
  afterAll(() => e.close());

  it("serves canned JSON under hh.ru's rules: User-Agent, Bearer, expiry, manager account", async () => {
    const p = await pair(e, EMPLOYER.login);
    const ok = await api(e, '/vacancies/123', { token: p.access_token });
    expect(ok).toEqual({ status: 200, body: { id: 'from-config' } });
    const noAgent = await fetch(`${e.url}/vacancies/123`, {
      headers: { Authorization: `Bearer ${p.access_token}`, 'User-Agent': '' },
    });
    expect(noAgent.status).toBe(400);
    expect((await api(e, '/vacancies/123')).body).toEqual({
      errors: [{ type: 'oauth', value: 'bad_authorization' }],
    });
    const other = await api(e, '/vacancies/123', {
      token: p.access_token,
      headers: { 'X-Manager-Account-Id': '9' },
    });
    expect(other.body).toEqual({ errors: [{ type: 'manager_account', value: 'not_found' }] });
    e.controls.advanceClock(1_209_600);
    expect((await api(e, '/vacancies/123', { token: p.access_token })).body).toEqual({
      errors: [{ type: 'oauth', value: 'token_expired' }],
    });
    expect((await api(e, '/vacancies', { token: p.access_token })).status).toBe(404);
  });

  it('answers CORS preflights for its paths and marks its answers readable cross-origin', async () => {
    const preflight = await fetch(`${e.url}/vacancies/7`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:1',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,hh-user-agent',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const unknown = await fetch(`${e.url}/resumes/7`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:1', 'Access-Control-Request-Method': 'GET' },
    });
    expect(unknown.status).toBe(404);
    const answer = await fetch(`${e.url}/vacancies/7`, {
      headers: { ...UA, Origin: 'http://127.0.0.1:1' },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('POST /__emulator/routes registers more, with auth and userKind rules; reset keeps only the configured', async () => {
    const added = await control(e, '/routes', {
      method: 'POST',
      path: '/negotiations/*',
      status: 201,
      body: { created: true },
      auth: 'user',
      userKind: 'employer',
    });
    expect(added.status).toBe(200);
    const employer = await pair(e, EMPLOYER.login);
    const applicant = await pair(e, APPLICANT.login);
    const post = (t: string) =>
      fetch(`${e.url}/negotiations/1/messages`, {
        method: 'POST',
        headers: { ...UA, Authorization: `Bearer ${t}` },
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post(employer.access_token)).toEqual({ status: 201, body: { created: true } });
    expect(await post(applicant.access_token)).toEqual({
      status: 403,
      body: { errors: [{ type: 'forbidden' }] },
    });
    expect((await control(e, '/routes', { path: '/me' })).body['error']).toContain(
      'served by the emulator itself',
    );
    await control(e, '/reset');
    expect(e.controls.routes().map((r) => r.path)).toEqual(['/vacancies/:id']);
  });
});
