import type { FC } from 'hono/jsx';
import type { App, AppAudience, AppRole } from '../model.js';
import { Hidden, Layout, SignInFields } from './layout.js';

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

const Alert: FC<{ message: string | undefined }> = ({ message }) =>
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
            <a href={`/admin/apps/${encodeURIComponent(app.clientId)}`}>{app.name}</a> —
            successfully
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

export interface NewAppValues {
  name: string;
  description: string;
  redirectUri: string;
  role: string;
  audience: string;
}

export const NewAppPage: FC<{ csrf: string; values: NewAppValues; error?: string | undefined }> = ({
  csrf,
  values,
  error,
}) => (
  <Layout title="Registration form for a new application">
    <Alert message={error} />
    <form method="post" action="/admin/apps">
      <Hidden fields={{ csrf }} />
      <label for="name">Application name</label>
      <input id="name" name="name" type="text" value={values.name} required />
      <label for="description">Description of the application</label>
      <textarea id="description" name="description">
        {values.description}
      </textarea>
      <label for="role">Application roles</label>
      <select id="role" name="role">
        {Object.entries(ROLE_LABELS).map(([value, label]) => (
          <option value={value} selected={values.role === value}>
            {label}
          </option>
        ))}
      </select>
      <label for="audience">Who will use it</label>
      <select id="audience" name="audience">
        {Object.entries(AUDIENCE_LABELS).map(([value, label]) => (
          <option value={value} selected={values.audience === value}>
            {label}
          </option>
        ))}
      </select>
      <label for="redirect_uri">Redirect URI</label>
      <input
        id="redirect_uri"
        name="redirect_uri"
        type="text"
        value={values.redirectUri}
        required
      />
      <p>For example: https://example.com/page or myapp://auth</p>
      <button type="submit">Add</button>
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
  return (
    <Layout title={app.name}>
      <Alert message={error} />
      <table>
        <tbody>
          <tr>
            <th scope="row">Request</th>
            <td>successfully</td>
          </tr>
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
