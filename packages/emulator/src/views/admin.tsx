import type { FC } from 'hono/jsx';
import type { App, AppAudience, AppRole } from '../model.js';
import { Hidden, Layout, SignInFields } from './layout.js';

/** What the console says of an application that may not obtain tokens (dev.hh.ru). */
export const TOKEN_RECEIVING_DISALLOWED =
  'To use authorization in the API HeadHunter - please, apply for registration of your application';

/** The seed's labels (dev.hh.ru, English). */
export const ROLE_LABELS: Readonly<Record<AppRole, string>> = {
  applicant: 'Applicant',
  employer: 'Employer',
  employer_and_applicant: 'Employer and applicant',
  application: 'Application',
};

export const AUDIENCE_LABELS: Readonly<Record<AppAudience, string>> = {
  applicants: 'Only applicants',
  one_employer: 'One employer',
  several_employers: 'Employees of several employers',
  any_user: 'Employees of several employers and job seekers',
};

export const Alert: FC<{ message: string | undefined }> = ({ message }) =>
  message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;

export const AdminSignInPage: FC<{ csrf: string; error?: string | undefined }> = ({
  csrf,
  error,
}) => (
  <Layout title="Personal account">
    <p>Personal account will allow you to access the HeadHunter API authorization.</p>
    <Alert message={error} />
    <form method="post" action="/admin/login">
      <Hidden fields={{ csrf }} />
      <SignInFields />
    </form>
  </Layout>
);

export const AppListPage: FC<{ csrf: string; userName: string; apps: readonly App[] }> = ({
  csrf,
  userName,
  apps,
}) => (
  <Layout title="My applications">
    <p>Signed in as {userName}.</p>
    {apps.length === 0 ? (
      <p>No applications yet.</p>
    ) : (
      <ul>
        {apps.map((app) => (
          <li>
            <a href={`/admin/apps/${encodeURIComponent(app.clientId)}`}>{app.name}</a> —{' '}
            <span class="review">{app.review}</span>
          </li>
        ))}
      </ul>
    )}
    <p>
      <a href="/admin/apps/new">Add an application</a>
    </p>
    <form method="post" action="/admin/logout">
      <Hidden fields={{ csrf }} />
      <button type="submit">Logout</button>
    </form>
  </Layout>
);

export const AppPage: FC<{
  csrf: string;
  app: App;
  appToken: string | undefined;
  error?: string | undefined;
}> = ({ csrf, app, appToken, error }) => {
  const base = `/admin/apps/${encodeURIComponent(app.clientId)}`;
  const approved = app.review === 'successfully';
  return (
    <Layout title={app.name}>
      <Alert message={error} />
      {approved ? null : (
        <p class="notice" role="status">
          {TOKEN_RECEIVING_DISALLOWED}
        </p>
      )}
      <table>
        <tbody>
          <tr>
            <th scope="row">Request</th>
            <td>
              <output id="review">{app.review}</output>
            </td>
          </tr>
          {approved ? (
            <>
              <tr>
                <th scope="row">Client ID</th>
                <td>
                  <output id="client-id">{app.clientId}</output>
                </td>
              </tr>
              <tr>
                <th scope="row">Client Secret</th>
                <td>
                  <output id="client-secret">{app.clientSecret}</output>
                </td>
              </tr>
            </>
          ) : null}
          <tr>
            <th scope="row">Redirect URI</th>
            <td>
              <output id="redirect-uri">{app.redirectUri}</output>
            </td>
          </tr>
          <tr>
            <th scope="row">Application token</th>
            <td>
              <output id="app-token">{appToken ?? 'none'}</output>
            </td>
          </tr>
        </tbody>
      </table>
      <h2>Edit application</h2>
      <form method="post" action={`${base}/edit`}>
        <Hidden fields={{ csrf }} />
        <label for="redirect_uri">Redirect URI</label>
        <input id="redirect_uri" name="redirect_uri" type="text" value={app.redirectUri} required />
        <button type="submit">Save</button>
      </form>
      <h2>Review (emulator only)</h2>
      <p>hh.ru reviews applications by hand; here a test decides.</p>
      <form method="post" action={`${base}/review`}>
        <Hidden fields={{ csrf }} />
        <button type="submit" name="decision" value="successfully">
          Approve
        </button>
        <button type="submit" name="decision" value="rejected">
          Reject
        </button>
      </form>
      <h2>Remove application</h2>
      <p>You will not be able to restore the app {app.name} once it has been removed.</p>
      <form method="post" action={`${base}/delete`}>
        <Hidden fields={{ csrf }} />
        <button type="submit">Remove forever</button>
      </form>
      <p>
        <a href="/admin">My applications</a>
      </p>
    </Layout>
  );
};
