// The developer console's review (seed 000): processing / rejected / successfully / fill, the
// limit of applications under review, the registration form's fields, and what an unapproved
// application can do (nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, EMPLOYER, type Emulator, startEmulator } from '../src/index.js';
import { CHOOSE_EMPLOYER, FILL_REQUIRED, REVIEW_LIMIT_REACHED } from '../src/routes/admin.js';
import { TOKEN_RECEIVING_DISALLOWED } from '../src/views/admin.js';
import { control, decodeEntities, FormClient, hiddenFields, token } from './helpers.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ appReview: 'manual', appReviewLimit: 1 });
});
afterAll(() => emulator.close());

const output = (html: string, id: string) =>
  decodeEntities(new RegExp(`<output id="${id}">([^<]*)</output>`).exec(html)?.[1] ?? '');

const FORM = {
  name: 'Reviewed CRM',
  description: '',
  role: 'employer',
  audience: 'one_employer',
  employer_id: '3001',
  tasks: 'Publish vacancies',
  methods: 'POST /vacancies',
  last_name: 'Employer',
  first_name: 'Egor',
  middle_name: '',
  redirect_uri: 'https://crm.example.com/hh',
};

async function signedIn(): Promise<FormClient> {
  const client = new FormClient(emulator.url);
  const page = await client.get('/admin');
  await client.post('/admin/login', {
    ...hiddenFields(page.html),
    login: EMPLOYER.login,
    password: EMPLOYER.password,
  });
  return client;
}

async function register(client: FormClient, fields: Record<string, string> = {}) {
  const form = await client.get('/admin/apps/new');
  return client.post('/admin/apps', { ...hiddenFields(form.html), ...FORM, ...fields });
}

describe('application review', () => {
  it("the form has dev.hh.ru's fields and refuses an incomplete one", async () => {
    await control(emulator, '/reset');
    const client = await signedIn();
    const form = await client.get('/admin/apps/new');
    for (const label of [
      'Application name',
      'Application roles',
      'Who will use it',
      'Company selection',
      'What tasks should the application solve',
      'Describe all the functionality of the application and specify the API methods used',
      'The contact person',
      'Last name',
      'First name',
      'Middle name',
      'Redirect URI',
    ]) {
      expect(form.html, label).toContain(label);
    }
    for (const missing of ['tasks', 'methods', 'last_name', 'first_name', 'name']) {
      const answer = await register(client, { [missing]: '' });
      expect(answer.status, missing).toBe(400);
      expect(answer.html).toContain(FILL_REQUIRED);
    }
    const noEmployer = await register(client, { employer_id: '' });
    expect(noEmployer.html).toContain(CHOOSE_EMPLOYER);
  });

  it('processing: no credentials, no tokens, the limit holds; approved: both work; rejected: refused again', async () => {
    await control(emulator, '/reset');
    const client = await signedIn();
    const created = await register(client);
    expect(created.status).toBe(303);
    const appPath = created.location!;
    const clientId = decodeURIComponent(appPath.split('/').pop()!);
    const processing = await client.get(appPath);
    expect(output(processing.html, 'review')).toBe('processing');
    expect(processing.html).toContain(TOKEN_RECEIVING_DISALLOWED);
    expect(processing.html).not.toContain('id="client-secret"');
    expect((await client.get('/admin')).html).toContain('processing');

    // The limit of applications under review.
    const second = await register(client, { name: 'Second' });
    expect(second.status).toBe(400);
    expect(second.html).toContain(REVIEW_LIMIT_REACHED);

    const authorize = await new FormClient(emulator.url).get(
      `/oauth/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}`,
    );
    expect(authorize.status).toBe(400);
    expect(authorize.html).toContain('Application not approved');

    // Approve with the console's emulator-only button.
    const approve = await client.post(`${appPath}/review`, {
      ...hiddenFields(processing.html),
      decision: 'successfully',
    });
    expect(approve.status).toBe(303);
    const approved = await client.get(appPath);
    expect(output(approved.html, 'review')).toBe('successfully');
    const appSecret = output(approved.html, 'client-secret');
    expect(appSecret).toMatch(/^[A-Z0-9]{64}$/);
    const grant = {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: appSecret,
    };
    expect((await token(emulator, grant)).status).toBe(200);

    // Rejected (through the control): the token endpoint refuses it like an unknown client.
    expect(
      (await control(emulator, `/apps/${clientId}/review`, { status: 'rejected' })).body,
    ).toEqual({
      status: 'rejected',
    });
    emulator.controls.advanceClock(600);
    expect((await token(emulator, grant)).body).toEqual({
      error: 'invalid_client',
      error_description: 'client_id or client_secret not found',
    });
    expect(output((await client.get(appPath)).html, 'review')).toBe('rejected');
    expect((await control(emulator, `/apps/${clientId}/review`, { status: 'maybe' })).status).toBe(
      400,
    );
    // "fill" (UNREGISTERED_APPLICATION) is shown as hh.ru shows it.
    emulator.controls.setAppReview(clientId, 'fill');
    expect(output((await client.get(appPath)).html, 'review')).toBe('fill');
  });

  it('apps from the configuration and the controls are approved whatever the mode', async () => {
    await control(emulator, '/reset');
    const grant = {
      grant_type: 'client_credentials',
      client_id: emulator.app.clientId,
      client_secret: emulator.app.clientSecret,
    };
    expect((await token(emulator, grant)).status).toBe(200);
    expect(emulator.users.map((u) => u.login)).toContain(APPLICANT.login);
  });
});
