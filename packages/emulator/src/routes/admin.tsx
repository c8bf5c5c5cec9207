/**
 * The developer console (dev.hh.ru/admin), kept plain: sign in as a seeded user, register an
 * application (approved at once), see its credentials and current app token, edit its redirect
 * URI, remove it forever (its tokens then get `application_not_found`).
 *
 * @see docs/hh-protocol.md "The developer console"
 */
import { parseRedirectUri } from '@hh-oauth/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { App, AppAudience, AppRole, Session, User } from '../model.js';
import type { EmulatorState } from '../state.js';
import {
  AdminSignInPage,
  AppListPage,
  AppPage,
  AUDIENCE_LABELS,
  NewAppPage,
  type NewAppValues,
  ROLE_LABELS,
} from '../views/admin.js';
import { ErrorPage } from '../views/layout.js';
import { ensureSession, page, postedSession, readForm, signIn, signOut } from './session.js';

/** The console's message for a redirect URI that is not `scheme://host/path` (dev.hh.ru's rule). */
export const REDIRECT_URI_FORMAT_ERROR =
  'The Redirect URI does not match the input format. For example: https://example.com/page or myapp://auth';

const isRole = (v: string): v is AppRole => Object.hasOwn(ROLE_LABELS, v);
const isAudience = (v: string): v is AppAudience => Object.hasOwn(AUDIENCE_LABELS, v);

export function adminRoutes(state: EmulatorState): Hono {
  const routes = new Hono();

  const signedIn = (session: Session | undefined): User | undefined =>
    session?.userId === undefined ? undefined : state.users.get(session.userId);

  const ownApp = (user: User, clientId: string): App | undefined => {
    const app = state.apps.get(clientId);
    return app && app.owner === user.login ? app : undefined;
  };

  const notFound = (c: Context) =>
    page(c, <ErrorPage title="Not found" message="No such application." />, 404);
  const forbidden = (c: Context) =>
    page(c, <ErrorPage title="Session expired" message="Sign in again." />, 403);
  const appPage = (c: Context, session: Session, app: App, error?: string) =>
    page(
      c,
      <AppPage
        csrf={session.csrf}
        app={app}
        appToken={state.currentAppToken.get(app.clientId)?.value}
        error={error}
      />,
      error ? 400 : 200,
    );

  routes.get('/admin', (c) => {
    const session = ensureSession(c, state);
    const user = signedIn(session);
    if (!user) return page(c, <AdminSignInPage csrf={session.csrf} />);
    const apps = [...state.apps.values()].filter((a) => a.owner === user.login);
    return page(
      c,
      <AppListPage
        csrf={session.csrf}
        userName={`${user.firstName} ${user.lastName}`}
        apps={apps}
      />,
    );
  });

  routes.post('/admin/login', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    if (!session) return forbidden(c);
    const user = state.checkCredentials(form['login'] ?? '', form['password'] ?? '');
    if (!user || user.locked) {
      return page(c, <AdminSignInPage csrf={session.csrf} error="Wrong login or password." />, 401);
    }
    signIn(c, state, session, user.id);
    return c.redirect('/admin', 303);
  });

  routes.post('/admin/logout', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    if (session) signOut(c, state, session);
    return c.redirect('/admin', 303);
  });

  const empty: NewAppValues = {
    name: '',
    description: '',
    redirectUri: '',
    role: 'employer_and_applicant',
    audience: 'any_user',
  };

  routes.get('/admin/apps/new', (c) => {
    const session = ensureSession(c, state);
    if (!signedIn(session)) return c.redirect('/admin', 302);
    return page(c, <NewAppPage csrf={session.csrf} values={empty} />);
  });

  routes.post('/admin/apps', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    const user = signedIn(session);
    if (!session || !user) return forbidden(c);
    const values: NewAppValues = {
      name: (form['name'] ?? '').trim(),
      description: form['description'] ?? '',
      redirectUri: (form['redirect_uri'] ?? '').trim(),
      role: form['role'] ?? '',
      audience: form['audience'] ?? '',
    };
    const error =
      values.name === '' || !isRole(values.role) || !isAudience(values.audience)
        ? 'Please fill in all required fields.'
        : !parseRedirectUri(values.redirectUri).ok
          ? REDIRECT_URI_FORMAT_ERROR
          : undefined;
    if (error || !isRole(values.role) || !isAudience(values.audience)) {
      return page(c, <NewAppPage csrf={session.csrf} values={values} error={error} />, 400);
    }
    const app = state.registerApp({
      name: values.name,
      description: values.description,
      redirectUri: values.redirectUri,
      role: values.role,
      audience: values.audience,
      owner: user.login,
    });
    return c.redirect(`/admin/apps/${encodeURIComponent(app.clientId)}`, 303);
  });

  routes.get('/admin/apps/:clientId', (c) => {
    const session = ensureSession(c, state);
    const user = signedIn(session);
    if (!user) return c.redirect('/admin', 302);
    const app = ownApp(user, c.req.param('clientId'));
    return app ? appPage(c, session, app) : notFound(c);
  });

  routes.post('/admin/apps/:clientId/edit', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    const user = signedIn(session);
    if (!session || !user) return forbidden(c);
    const app = ownApp(user, c.req.param('clientId'));
    if (!app) return notFound(c);
    const redirectUri = (form['redirect_uri'] ?? '').trim();
    if (!parseRedirectUri(redirectUri).ok)
      return appPage(c, session, app, REDIRECT_URI_FORMAT_ERROR);
    app.redirectUri = redirectUri;
    return c.redirect(`/admin/apps/${encodeURIComponent(app.clientId)}`, 303);
  });

  routes.post('/admin/apps/:clientId/delete', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    const user = signedIn(session);
    if (!session || !user) return forbidden(c);
    const app = ownApp(user, c.req.param('clientId'));
    if (!app) return notFound(c);
    state.deleteApp(app.clientId);
    return c.redirect('/admin', 303);
  });

  return routes;
}
