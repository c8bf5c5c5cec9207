import type { FC } from 'hono/jsx';
import type { ShownError } from '../format.js';
import { Csrf, ErrorBox, InfoBox, Layout, type PageContext } from './layout.js';

export interface SeededLogin {
  readonly kind: string;
  readonly login: string;
  readonly password: string;
}

export const HomePage: FC<{
  page: PageContext;
  signedOut: boolean;
  users: readonly SeededLogin[];
}> = ({ page, signedOut, users }) => (
  <Layout title="Sign in with hh.ru" page={page}>
    {signedOut ? (
      <InfoBox title="Signed out">
        <p id="signed-out">
          You are signed out: the access token was invalidated at hh.ru (
          <code>DELETE /oauth/token</code>), and its refresh token died with it.
        </p>
      </InfoBox>
    ) : null}
    <p>
      This demo walks through hh.ru's OAuth 2.0 authorization code flow with{' '}
      <code>@hh-oauth/client</code>: the button sends you to hh.ru's authorize page with a fresh{' '}
      <code>state</code>; hh.ru asks you to sign in and to allow access, then redirects back to{' '}
      <code>/callback</code>, where the code is exchanged for a token pair. The token panel shows
      the session's state machine moving as you go.
    </p>
    {page.signedIn ? (
      <p>
        You are signed in: see your <a href="/profile">profile</a> or the{' '}
        <a href="/token">token panel</a>.
      </p>
    ) : null}
    <form method="post" action="/signin" class="signin">
      <Csrf page={page} />
      <label class="check">
        <input type="checkbox" name="force_login" value="true" /> Force login (
        <code>force_login=true</code>: always show hh.ru's login form, even when signed in there)
      </label>
      <label class="check">
        <input type="checkbox" name="skip_choose_account" value="true" /> Skip the account chooser (
        <code>skip_choose_account=true</code>: an already allowed user goes straight back)
      </label>
      <button type="submit" class="primary">
        Sign in with hh.ru
      </button>
    </form>
    {users.length > 0 ? (
      <section>
        <h2>Emulator's test users</h2>
        <table>
          <thead>
            <tr>
              <th>kind</th>
              <th>login</th>
              <th>password</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>{u.kind}</td>
                <td>
                  <code>{u.login}</code>
                </td>
                <td>
                  <code>{u.password}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    ) : null}
  </Layout>
);

export const ErrorPage: FC<{ page: PageContext; error: ShownError; signInAgain: boolean }> = ({
  page,
  error,
  signInAgain,
}) => (
  <Layout title={error.title} page={page}>
    <ErrorBox error={error} />
    <p>
      {signInAgain ? (
        <a href="/" id="sign-in-again">
          Sign in with hh.ru again
        </a>
      ) : (
        <a href="/">Back to the start</a>
      )}
    </p>
  </Layout>
);

export interface ManagerAccount {
  readonly id: string;
  readonly name: string;
  readonly is_main?: boolean;
}

export interface ProfileProps {
  page: PageContext;
  me: Readonly<Record<string, unknown>> | undefined;
  /** Employer only: the manager's work accounts (`GET /manager_accounts/mine`). */
  accounts: readonly ManagerAccount[];
  /** The work account the page acts as (`X-Manager-Account-Id`), when one was chosen. */
  account: string | undefined;
  error: ShownError | undefined;
}

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '—';

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

export const ProfilePage: FC<ProfileProps> = ({ page, me, accounts, account, error }) => {
  const role = me?.['is_employer'] ? 'employer' : me?.['is_applicant'] ? 'applicant' : 'unknown';
  return (
    <Layout title="Profile" page={page}>
      {error ? <ErrorBox error={error} /> : null}
      {error?.recovery === 'reauthorize' ? (
        <p>
          <a href="/" id="sign-in-again">
            Sign in with hh.ru again
          </a>
        </p>
      ) : null}
      {me ? (
        <section id="profile" data-role={role}>
          <p>
            <code>GET /me</code> answered, with a token that <code>hh.getAccessToken()</code> made
            sure was valid (refreshing it first if it had expired):
          </p>
          <table>
            <tbody>
              <tr>
                <th scope="row">name</th>
                <td id="profile-name">
                  {text(me['first_name'])} {text(me['last_name'])}
                </td>
              </tr>
              <tr>
                <th scope="row">email</th>
                <td id="profile-email">{text(me['email'])}</td>
              </tr>
              <tr>
                <th scope="row">id</th>
                <td>{text(me['id'])}</td>
              </tr>
              <tr>
                <th scope="row">role</th>
                <td id="profile-role">{role}</td>
              </tr>
              {me['is_employer'] ? (
                <>
                  <tr>
                    <th scope="row">employer</th>
                    <td>{text(field(me['employer'], 'name'))}</td>
                  </tr>
                  <tr>
                    <th scope="row">acting as</th>
                    <td id="profile-manager">{text(field(me['manager'], 'name'))}</td>
                  </tr>
                </>
              ) : null}
            </tbody>
          </table>
          {accounts.length > 0 ? (
            <form method="get" action="/profile" class="accounts">
              <label for="account">
                Work account (<code>GET /manager_accounts/mine</code>, sent as{' '}
                <code>X-Manager-Account-Id</code>)
              </label>
              <select id="account" name="account">
                {accounts.map((a) => (
                  <option
                    value={a.id}
                    selected={account === undefined ? a.is_main === true : a.id === account}
                  >
                    {a.name}
                    {a.is_main ? ' (main)' : ''}
                  </option>
                ))}
              </select>
              <button type="submit">Switch work account</button>
            </form>
          ) : null}
          <details>
            <summary>
              The raw <code>/me</code> answer
            </summary>
            <pre>{JSON.stringify(me, null, 2)}</pre>
          </details>
        </section>
      ) : null}
      <p>
        <a href="/token">Token panel</a> · <a href="/profile">Reload the profile</a> (an API call)
      </p>
    </Layout>
  );
};
