/**
 * `GET /oauth/authorize` and its forms: sign-in, consent, and the account chooser.
 *
 * @see docs/hh-protocol.md §1 "User authorization"
 * @see https://github.com/hhru/api/blob/master/docs/authorization_for_user.md hh.ru: authorization
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1 RFC 6749 §4.1.1–4.1.2.1
 */
import { validateRedirectUri } from '@hh-oauth/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { App, Session, User } from '../model.js';
import type { EmulatorState } from '../state.js';
import {
  AccountChooserPage,
  type AuthorizeParams,
  CallbackPage,
  ConsentPage,
  LoginPage,
} from '../views/authorize.js';
import { ErrorPage } from '../views/layout.js';
import { ensureSession, page, postedSession, readForm, signIn } from './session.js';

/** The parameters `/oauth/authorize` reads; they travel through the forms in hidden fields. */
export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'state',
  'redirect_uri',
  'force_login',
  'skip_choose_account',
] as const;

function pickParams(source: (name: string) => string | undefined): AuthorizeParams {
  const out: Record<string, string | undefined> = {};
  for (const name of AUTHORIZE_PARAMS) out[name] = source(name);
  return out;
}

/**
 * Appends `code`/`state`/`error` to a redirect_uri, keeping its own query as it is (hh.ru's
 * guide: `{redirect_uri}?code=…`). Built on the string, not `new URL()`, which would normalize it.
 */
export function appendQuery(target: string, params: Readonly<Record<string, string | undefined>>) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query.append(name, value);
  }
  const separator = !target.includes('?') ? '?' : /[?&]$/.test(target) ? '' : '&';
  return `${target}${separator}${query.toString()}`;
}

type Checked =
  | { ok: true; app: App; target: string }
  | { ok: false; title: string; message: string };

/**
 * An unknown client or a bad redirect_uri is never redirected to (RFC 6749 §4.1.2.1): the user
 * gets an error page instead. A sent redirect_uri must refine the saved one (hh.ru's rules, in
 * `validateRedirectUri`); an absent one means the saved one.
 */
export function checkAuthorizeRequest(state: EmulatorState, params: AuthorizeParams): Checked {
  const clientId = params['client_id'];
  const app = clientId ? state.apps.get(clientId) : undefined;
  if (!app) {
    return { ok: false, title: 'Unknown application', message: 'client_id is missing or unknown.' };
  }
  if (app.review !== 'successfully') {
    return {
      ok: false,
      title: 'Application not approved',
      message: `This application's registration is "${app.review}": it cannot ask for access yet.`,
    };
  }
  const requested = params['redirect_uri'];
  if (requested === undefined) return { ok: true, app, target: app.redirectUri };
  const verdict = validateRedirectUri(app.redirectUri, requested);
  if (!verdict.ok) {
    return { ok: false, title: 'Invalid redirect_uri', message: verdict.message };
  }
  return { ok: true, app, target: requested };
}

const displayName = (user: User) => `${user.firstName} ${user.lastName}`;

export function authorizeRoutes(state: EmulatorState): Hono {
  const routes = new Hono();

  const redirectWithCode = (
    c: Context,
    app: App,
    target: string,
    user: User,
    p: AuthorizeParams,
  ) => {
    const code = state.issueCode(app.clientId, user, p['redirect_uri']);
    return c.redirect(appendQuery(target, { code: code.value, state: p['state'] }), 302);
  };

  /** What a signed-in (or not) user sees next for this request. */
  const next = (c: Context, session: Session, p: AuthorizeParams, justSignedIn: boolean) => {
    const checked = checkAuthorizeRequest(state, p);
    if (!checked.ok)
      return page(c, <ErrorPage title={checked.title} message={checked.message} />, 400);
    const { app, target } = checked;
    if (p['response_type'] !== 'code') {
      const error = { error: 'unsupported_response_type', state: p['state'] };
      return c.redirect(appendQuery(target, error), 302);
    }
    const user = session.userId === undefined ? undefined : state.users.get(session.userId);
    if (!user || (p['force_login'] === 'true' && !justSignedIn)) {
      return page(c, <LoginPage params={p} csrf={session.csrf} appName={app.name} />);
    }
    if (state.hasConsent(user.id, app.clientId)) {
      if (
        justSignedIn ||
        p['skip_choose_account'] === 'true' ||
        state.accountChooser === 'immediate'
      ) {
        return redirectWithCode(c, app, target, user, p);
      }
      const props = {
        params: p,
        csrf: session.csrf,
        appName: app.name,
        userName: displayName(user),
      };
      return page(c, <AccountChooserPage {...props} />);
    }
    const props = { params: p, csrf: session.csrf, appName: app.name, userName: displayName(user) };
    return page(c, <ConsentPage {...props} />);
  };

  const expired = (c: Context) =>
    page(
      c,
      <ErrorPage
        title="Session expired"
        message="Your session expired; start the sign-in again."
      />,
      403,
    );

  /**
   * What every form post of the authorize flow starts with: the posted session (CSRF-checked) and
   * the authorize parameters carried in hidden fields, checked again. A Response ends the request.
   */
  const postedAuthorizeForm = async (c: Context) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    if (!session) return expired(c);
    const p = pickParams((n) => form[n]);
    const checked = checkAuthorizeRequest(state, p);
    if (!checked.ok) {
      return page(c, <ErrorPage title={checked.title} message={checked.message} />, 400);
    }
    return { form, session, p, checked };
  };

  routes.get('/oauth/authorize', (c) => {
    const session = ensureSession(c, state);
    return next(
      c,
      session,
      pickParams((n) => c.req.query(n)),
      false,
    );
  });

  routes.post('/oauth/authorize/login', async (c) => {
    const posted = await postedAuthorizeForm(c);
    if (!('session' in posted)) return posted;
    const { form, session, p, checked } = posted;
    const user = state.checkCredentials(form['login'] ?? '', form['password'] ?? '');
    const refusal = !user
      ? 'Wrong login or password.'
      : user.locked
        ? 'This account is locked.'
        : user.passwordInvalidated
          ? 'Your password was invalidated; restore it on the site.'
          : undefined;
    if (!user || refusal) {
      const props = { params: p, csrf: session.csrf, appName: checked.app.name, error: refusal };
      return page(c, <LoginPage {...props} />, 401);
    }
    return next(c, signIn(c, state, session, user.id), p, true);
  });

  routes.post('/oauth/authorize/consent', async (c) => {
    const posted = await postedAuthorizeForm(c);
    if (!('session' in posted)) return posted;
    const { form, session, p, checked } = posted;
    const user = session.userId === undefined ? undefined : state.users.get(session.userId);
    if (!user) return next(c, session, p, false);
    if (form['decision'] !== 'allow') {
      const denied = { error: 'access_denied', state: p['state'] };
      return c.redirect(appendQuery(checked.target, denied), 302);
    }
    return redirectWithCode(c, checked.app, checked.target, user, p);
  });

  routes.post('/oauth/authorize/account', async (c) => {
    const form = await readForm(c);
    const session = postedSession(c, state, form);
    if (!session) return expired(c);
    const p = pickParams((n) => form[n]);
    if (form['action'] === 'switch') {
      session.userId = undefined;
      return next(c, session, p, false);
    }
    return next(c, session, { ...p, skip_choose_account: 'true', force_login: undefined }, false);
  });

  routes.get('/callback', (c) => {
    const values: Record<string, string> = {};
    for (const [name, value] of new URL(c.req.url).searchParams) values[name] = value;
    return page(c, <CallbackPage values={values} />);
  });

  return routes;
}
