import type { Child, FC } from 'hono/jsx';

/** The pages' one stylesheet; the Content-Security-Policy allows it by hash. */
export const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
header { background: #d6001c; color: #fff; padding: 0.75rem 1.5rem; font-weight: 600; }
main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
label { display: block; margin: 0.75rem 0 0.25rem; }
input, select, textarea { width: 100%; box-sizing: border-box; padding: 0.4rem; font: inherit; }
button { margin: 1rem 0.5rem 0 0; padding: 0.5rem 1.25rem; font: inherit; cursor: pointer; }
.error { color: #b91c1c; }
code, output { word-break: break-all; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 0.25rem 0.5rem 0.25rem 0; }
`;

export const Layout: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} — hh.ru emulator`}</title>
      <style>{STYLE}</style>
    </head>
    <body>
      <header>hh.ru emulator</header>
      <main>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);

export const ErrorPage: FC<{ title: string; message: string }> = ({ title, message }) => (
  <Layout title={title}>
    <p class="error" role="alert">
      {message}
    </p>
  </Layout>
);

/** Hidden form fields, one per entry; used to carry the authorize parameters and the CSRF token. */
export const Hidden: FC<{ fields: Readonly<Record<string, string | undefined>> }> = ({
  fields,
}) => (
  <>
    {Object.entries(fields).map(([name, value]) =>
      value === undefined ? null : <input type="hidden" name={name} value={value} />,
    )}
  </>
);

/** The sign-in fields ("Login", "Password", "Sign in"), the same on the authorize page and the console. */
export const SignInFields: FC = () => (
  <>
    <label for="login">Login</label>
    <input id="login" name="login" type="text" autocomplete="username" required />
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required />
    <button type="submit">Sign in</button>
  </>
);
