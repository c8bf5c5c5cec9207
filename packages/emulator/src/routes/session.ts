import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Session } from '../model.js';
import type { EmulatorState } from '../state.js';

/** The emulator's hh.ru session cookie (shared by the authorize pages and the console). */
export const SESSION_COOKIE = 'hh_emulator_session';

function writeCookie(c: Context, session: Session): void {
  setCookie(c, SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'Lax' });
}

/** The caller's session, created (and its cookie set) when there is none. */
export function ensureSession(c: Context, state: EmulatorState): Session {
  const existing = state.session(getCookie(c, SESSION_COOKIE));
  if (existing) return existing;
  const session = state.newSession();
  writeCookie(c, session);
  return session;
}

/**
 * The session of a form post, if its CSRF token matches. The token is per session and sent in a
 * hidden `csrf` field; the cookie is SameSite=Lax on top.
 */
export function postedSession(
  c: Context,
  state: EmulatorState,
  form: Record<string, string>,
): Session | undefined {
  const session = state.session(getCookie(c, SESSION_COOKIE));
  return session && form['csrf'] === session.csrf ? session : undefined;
}

/** Signs `userId` in on a fresh session (a new id against session fixation). */
export function signIn(c: Context, state: EmulatorState, old: Session, userId: string): Session {
  state.sessions.delete(old.id);
  const session = state.newSession();
  session.userId = userId;
  writeCookie(c, session);
  return session;
}

export function signOut(c: Context, state: EmulatorState, session: Session): void {
  state.sessions.delete(session.id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Reads a urlencoded or multipart form as strings (files are ignored). */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** An HTML page with its doctype. */
export function page(
  c: Context,
  element: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: 200 | 400 | 401 | 403 | 404 = 200,
) {
  return c.html(html`<!doctype html>${element}`, status);
}
