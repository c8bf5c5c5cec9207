import type { Child, FC } from 'hono/jsx';
import { formatTime, type ShownError } from '../format.js';

/** What every page knows about the demo and the visitor. */
export interface PageContext {
  readonly mode: 'emulator' | 'hh';
  /** Emulator mode: where the emulator listens (its developer console is at `/admin`). */
  readonly emulatorUrl?: string | undefined;
  /** Whether the visitor has a session cookie. */
  readonly signedIn: boolean;
  /** The demo client's clock at render time (ms): the emulator's clock in emulator mode. */
  readonly now: number;
  /** This browser's CSRF token, carried by every POST form. */
  readonly csrf: string;
}

/** The hidden CSRF field of a POST form. */
export const Csrf: FC<{ page: PageContext }> = ({ page }) => (
  <input type="hidden" name="csrf" value={page.csrf} />
);

export const Layout: FC<{ title: string; page: PageContext; children?: Child }> = ({
  title,
  page,
  children,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} — hh-oauth demo`}</title>
      <link rel="stylesheet" href="/assets/demo.css" />
      <script src="/assets/demo.js" defer />
    </head>
    <body data-now={String(page.now)}>
      <header>
        <a class="brand" href="/">
          hh-oauth demo
        </a>
        <nav>
          <a href="/">Home</a>
          {page.signedIn ? <a href="/profile">Profile</a> : null}
          {page.signedIn ? <a href="/token">Token</a> : null}
          <a href="/app-token">App token</a>
          {page.emulatorUrl ? <a href={`${page.emulatorUrl}/admin`}>Emulator console</a> : null}
        </nav>
      </header>
      <p class={`mode mode-${page.mode}`} id="mode">
        {page.mode === 'emulator' ? (
          <>
            Emulator mode: “hh.ru” is the in-process emulator at <code>{page.emulatorUrl}</code>
            {', whose clock is also the demo’s clock'} (now {formatTime(page.now)}).
          </>
        ) : (
          <>Live mode: talking to the real hh.ru (hh.ru and api.hh.ru).</>
        )}
      </p>
      <main>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);

/** An error as plain words, its stable code, and what to do next. */
export const ErrorBox: FC<{ error: ShownError }> = ({ error }) => (
  <section class="notice notice-error" role="alert" data-error-code={error.code}>
    <h2>{error.title}</h2>
    <p>{error.message}</p>
    {error.code ? (
      <p>
        Code: <code class="error-code">{error.code}</code>
        {error.recovery ? (
          <>
            {' '}
            · recovery: <code>{error.recovery}</code>
          </>
        ) : null}
      </p>
    ) : null}
    {error.hint ? <p class="hint">{error.hint}</p> : null}
    {error.retryAt !== undefined ? <p>Retry at {formatTime(error.retryAt)}.</p> : null}
  </section>
);

export const InfoBox: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <section class="notice notice-info" role="status">
    <h2>{title}</h2>
    {children}
  </section>
);
