import type { FC } from 'hono/jsx';
import { Hidden, Layout, SignInFields } from './layout.js';

/** The authorize parameters exactly as received; absent ones stay undefined (presence matters). */
export type AuthorizeParams = Readonly<Record<string, string | undefined>>;

interface FormProps {
  params: AuthorizeParams;
  csrf: string;
}

export const LoginPage: FC<FormProps & { appName: string; error?: string | undefined }> = ({
  params,
  csrf,
  appName,
  error,
}) => (
  <Layout title="Sign in">
    <p>
      Sign in to hh.ru to continue to <strong>{appName}</strong>.
    </p>
    {error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : null}
    <form method="post" action="/oauth/authorize/login">
      <Hidden fields={{ ...params, csrf }} />
      <SignInFields />
    </form>
  </Layout>
);

export const ConsentPage: FC<FormProps & { appName: string; userName: string }> = ({
  params,
  csrf,
  appName,
  userName,
}) => (
  <Layout title="Allow access">
    <p>
      <strong>{appName}</strong> asks for access to the hh.ru account of <strong>{userName}</strong>
      .
    </p>
    <form method="post" action="/oauth/authorize/consent">
      <Hidden fields={{ ...params, csrf }} />
      <button type="submit" name="decision" value="allow">
        Allow
      </button>
      <button type="submit" name="decision" value="deny">
        Deny
      </button>
    </form>
  </Layout>
);

export const AccountChooserPage: FC<FormProps & { appName: string; userName: string }> = ({
  params,
  csrf,
  appName,
  userName,
}) => (
  <Layout title="Choose an account">
    <p>
      You already allowed <strong>{appName}</strong>. Continue as <strong>{userName}</strong>?
    </p>
    <form method="post" action="/oauth/authorize/account">
      <Hidden fields={{ ...params, csrf }} />
      <button type="submit" name="action" value="continue">
        Continue
      </button>
      <button type="submit" name="action" value="switch">
        Switch account
      </button>
    </form>
  </Layout>
);

/** The page behind the seeded app's default redirect URI (`{url}/callback`). */
export const CallbackPage: FC<{ values: Readonly<Record<string, string>> }> = ({ values }) => (
  <Layout title="Authorization result">
    <p>hh.ru redirected back with:</p>
    <table>
      <tbody>
        {Object.entries(values).map(([name, value]) => (
          <tr>
            <th scope="row">{name}</th>
            <td>
              <output id={`callback-${name}`}>{value}</output>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </Layout>
);
