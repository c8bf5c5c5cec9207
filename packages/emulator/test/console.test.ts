// The developer console (seed 000): register, see credentials and app token, edit, delete.
import { describe, expect, it } from 'vitest';
import { EMPLOYER } from '../src/index.js';
import { api, decodeEntities, FormClient, hiddenFields, token, useEmulator } from './helpers.js';

const emulator = useEmulator();

const output = (html: string, id: string) =>
  decodeEntities(new RegExp(`<output id="${id}">([^<]*)</output>`).exec(html)?.[1] ?? '');

async function signedIn(): Promise<FormClient> {
  const client = new FormClient(emulator().url);
  const page = await client.get('/admin');
  expect(page.html).toContain('Sign in</button>');
  const login = await client.post('/admin/login', {
    ...hiddenFields(page.html),
    login: EMPLOYER.login,
    password: EMPLOYER.password,
  });
  expect(login).toMatchObject({ status: 303, location: '/admin' });
  return client;
}

async function register(client: FormClient, redirectUri: string) {
  const form = await client.get('/admin/apps/new');
  return client.post('/admin/apps', {
    ...hiddenFields(form.html),
    name: 'My CRM',
    description: 'Reads vacancies',
    role: 'employer',
    audience: 'one_employer',
    employer_id: '3001',
    tasks: 'Publish vacancies from our CRM',
    methods: 'POST /vacancies, GET /negotiations',
    last_name: 'Employer',
    first_name: 'Egor',
    middle_name: '',
    redirect_uri: redirectUri,
  });
}

describe('developer console', () => {
  it('refuses a wrong password', async () => {
    const client = new FormClient(emulator().url);
    const page = await client.get('/admin');
    const login = await client.post('/admin/login', {
      ...hiddenFields(page.html),
      login: EMPLOYER.login,
      password: 'nope',
    });
    expect(login.status).toBe(401);
  });

  it.each(['example.com/page', 'https://exa mple.com/', 'https://example.com/#frag', ''])(
    'refuses a Redirect URI %j that does not match the format',
    async (redirectUri) => {
      const answer = await register(await signedIn(), redirectUri);
      expect(answer.status).toBe(400);
      expect(answer.html).toContain('The Redirect URI does not match the input format');
    },
  );

  it('registers, shows credentials and the app token, edits, and removes forever', async () => {
    const client = await signedIn();
    const created = await register(client, 'myapp://auth');
    expect(created.status).toBe(303);
    const appPath = created.location!;
    let page = await client.get(appPath);
    const clientId = output(page.html, 'client-id');
    const clientSecret = output(page.html, 'client-secret');
    expect(clientId).toMatch(/^[A-Z0-9]{64}$/);
    expect(clientSecret).toMatch(/^[A-Z0-9]{64}$/);
    expect(output(page.html, 'redirect-uri')).toBe('myapp://auth');
    expect(output(page.html, 'app-token')).toBe('none');
    expect((await client.get('/admin')).html).toContain('My CRM');

    // The app works at the token endpoint and its app token shows in the console.
    const issued = await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    const appToken = issued.body['access_token'] as string;
    page = await client.get(appPath);
    expect(output(page.html, 'app-token')).toBe(appToken);

    // Edit the redirect URI: authorize follows the new one.
    const edited = await client.post(`${appPath}/edit`, {
      ...hiddenFields(page.html),
      redirect_uri: 'https://example.com/page',
    });
    expect(edited.status).toBe(303);
    const authorize = (redirectUri: string) =>
      client.get(
        `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri })}`,
      );
    expect((await authorize('https://example.com/page/sub')).status).toBe(200);
    expect((await authorize('myapp://auth')).status).toBe(400);
    const badEdit = await client.post(`${appPath}/edit`, {
      ...hiddenFields(page.html),
      redirect_uri: 'nope',
    });
    expect(badEdit.status).toBe(400);

    // Remove forever: its tokens get application_not_found, the token endpoint invalid_client.
    const removed = await client.post(`${appPath}/delete`, hiddenFields(page.html));
    expect(removed).toMatchObject({ status: 303, location: '/admin' });
    expect(await api(emulator(), '/me', { token: appToken })).toEqual({
      status: 403,
      body: { errors: [{ type: 'oauth', value: 'application_not_found' }] },
    });
    const again = await token(emulator(), {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(again.body).toEqual({
      error: 'invalid_client',
      error_description: 'client_id or client_secret not found',
    });
    expect((await client.get(appPath)).status).toBe(404);
  });

  it("another user cannot see or remove someone's application", async () => {
    const owner = await signedIn();
    const appPath = (await register(owner, 'https://example.com/page')).location!;
    const stranger = new FormClient(emulator().url);
    const page = await stranger.get('/admin');
    await stranger.post('/admin/login', {
      ...hiddenFields(page.html),
      login: 'applicant@example.com',
      password: 'hh-applicant',
    });
    expect((await stranger.get(appPath)).status).toBe(404);
    const list = await stranger.get('/admin');
    expect(list.html).not.toContain('My CRM');
    expect((await stranger.post(`${appPath}/delete`, hiddenFields(list.html))).status).toBe(404);
  });

  it('form posts need the session CSRF token', async () => {
    const client = await signedIn();
    const answer = await client.post('/admin/apps', {
      csrf: 'forged',
      name: 'X',
      role: 'employer',
      audience: 'one_employer',
      redirect_uri: 'https://example.com/page',
    });
    expect(answer.status).toBe(403);
  });
});
