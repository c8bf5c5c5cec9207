/**
 * The developer console (dev.hh.ru/admin), kept plain: sign in as a seeded user, register an
 * application with dev.hh.ru's form (approved at once by default, or reviewed with
 * `appReview: "manual"`), see its review status, credentials (once approved) and current app
 * token, edit its redirect URI, remove it forever (its tokens then get `application_not_found`).
 *
 * @see docs/hh-protocol.md "The developer console"
 */
import { parseRedirectUri } from '@hh-oauth/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { APP_REVIEWS } from '../controls.js';
import type { App, AppAudience, AppReview, AppRole, Session, User } from '../model.js';
import type { EmulatorState } from '../state.js';
import {
  AdminSignInPage,
  AppListPage,
  AppPage,
  AUDIENCE_LABELS,
  ROLE_LABELS,
} from '../views/admin.js';
import { EMPTY_APP_VALUES, NewAppPage, type NewAppValues } from '../views/admin-form.js';
import { ErrorPage } from '../views/layout.js';
import { ensureSession, page, postedSession, readForm, signIn, signOut } from './session.js';

/** The console's message for a redirect URI that is not `scheme://host/path` (dev.hh.ru's rule). */
export const REDIRECT_URI_FORMAT_ERROR =
  'The Redirect URI does not match the input format. For example: https://example.com/page or myapp://auth';

/** dev.hh.ru's texts for an incomplete form. */
export const FILL_REQUIRED = 'Please fill in all required fields.';
export const CHOOSE_EMPLOYER = 'Specify the employer the application is made for.';
export const REVIEW_LIMIT_REACHED = 'The limit of applications under review has been reached';

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

  const employers = () => {
    const seen = new Map<string, string>();
    for (const user of state.users.values()) {
      if (user.employer) seen.set(user.employer.id, user.employer.name);
    }
    return [...seen].map(([id, name]) => ({ id, name }));
  };

  const formPage = (c: Context, session: Session, values: NewAppValues, error?: string) =>
    page(
      c,
      <NewAppPage csrf={session.csrf} values={values} employers={employers()} error={error} />,
      error ? 400 : 200,
    );

  routes.get('/admin/apps/new', (c) => {
    const session = ensureSession(c, state);
    if (!signedIn(session)) return c.redirect('/admin', 302);
    return formPage(c, session, EMPTY_APP_VALUES);
  });

  /** The form's first problem, in dev.hh.ru's words, or undefined. */
  const problem = (user: User, v: NewAppValues): string | undefined => {
    const required = [v.name, v.tasks, v.methods, v.lastName, v.firstName];
    if (required.some((field) => field === '') || !isRole(v.role) || !isAudience(v.audience)) {
      return FILL_REQUIRED;
    }
    if (v.audience === 'one_employer' && !employers().some((e) => e.id === v.employerId)) {
      return CHOOSE_EMPLOYER;
    }
    if (!parseRedirectUri(v.redirectUri).ok) return REDIRECT_URI_FORMAT_ERROR;
    const underReview = [...state.apps.values()].filter(
      (a) => a.owner === user.login && a.review === 'processing',
    ).length;
    if (state.appReview === 'manual' && underReview >= state.appReviewLimit) {
      return REVIEW_LIMIT_REACHED;
    }
    return undefined;
  };

  routes.post('/admin/apps', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    const user = signedIn(session);
    if (!session || !user) return forbidden(c);
    const field = (name: string) => (form[name] ?? '').trim();
    const values: NewAppValues = {
      name: field('name'),
      description: form['description'] ?? '',
      redirectUri: field('redirect_uri'),
      role: field('role'),
      audience: field('audience'),
      employerId: field('employer_id'),
      tasks: field('tasks'),
      methods: field('methods'),
      lastName: field('last_name'),
      firstName: field('first_name'),
      middleName: field('middle_name'),
    };
    const error = problem(user, values);
    if (error || !isRole(values.role) || !isAudience(values.audience)) {
      return formPage(c, session, values, error ?? FILL_REQUIRED);
    }
    const app = state.registerApp({
      name: values.name,
      description: values.description,
      redirectUri: values.redirectUri,
      role: values.role,
      audience: values.audience,
      owner: user.login,
      review: state.appReview === 'manual' ? 'processing' : 'successfully',
      details: {
        tasks: values.tasks,
        methods: values.methods,
        contact: {
          lastName: values.lastName,
          firstName: values.firstName,
          middleName: values.middleName,
        },
        employerId: values.audience === 'one_employer' ? values.employerId : undefined,
      },
    });
    return c.redirect(`/admin/apps/${encodeURIComponent(app.clientId)}`, 303);
  });

  /** The emulator-only review buttons: what hh.ru's staff decide, decided by a test. */
  routes.post('/admin/apps/:clientId/review', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    const user = signedIn(session);
    if (!session || !user) return forbidden(c);
    const app = ownApp(user, c.req.param('clientId'));
    if (!app) return notFound(c);
    const decision = form['decision'] as AppReview;
    if (!APP_REVIEWS.includes(decision)) return appPage(c, session, app, FILL_REQUIRED);
    app.review = decision;
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
