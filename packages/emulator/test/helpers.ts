import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';

export const UA = { 'User-Agent': 'HhOAuthTests/1.0 (tests@example.com)' };

/** One emulator per test file, reset before each test. */
export function useEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  beforeEach(() => {
    emulator?.controls.reset();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error('the emulator is not started');
    return emulator;
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs a form to the token endpoint (default `/oauth/token`). */
export async function token(
  emulator: Emulator,
  fields: Record<string, string>,
  path = '/oauth/token',
): Promise<Answer> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...UA },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The error fields of a token answer, for `toEqual`. */
export const tokenError = (status: number, error: string, description: string) => ({
  status,
  body: { error, error_description: description },
});

/** A code for the seeded app, as if `login` allowed it (redirect_uri as if sent to authorize). */
export function code(emulator: Emulator, login: string, redirectUri?: string): string {
  return emulator.controls.issueCode({
    clientId: emulator.app.clientId,
    login,
    ...(redirectUri === undefined ? {} : { redirectUri }),
  });
}

/** Exchanges a fresh code of `login` for a pair. */
export async function pair(
  emulator: Emulator,
  login: string,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const answer = await token(emulator, {
    grant_type: 'authorization_code',
    client_id: emulator.app.clientId,
    client_secret: emulator.app.clientSecret,
    code: code(emulator, login),
  });
  if (answer.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(answer.body)}`);
  return answer.body as never;
}

/** A GET/DELETE to the API with a User-Agent and an optional Bearer token. */
export async function api(
  emulator: Emulator,
  path: string,
  options: { token?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...UA, ...options.headers };
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  const response = await fetch(`${emulator.url}${path}`, {
    method: options.method ?? 'GET',
    headers,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** POSTs JSON to a control. */
export async function control(
  emulator: Emulator,
  path: string,
  body?: unknown,
  method = 'POST',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/__emulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A tiny cookie-keeping form client for the HTML pages (no redirects followed). */
export class FormClient {
  readonly #cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...UA };
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers['Cookie'] = cookie;
    if (init.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(new URL(path, this.baseUrl), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    const html = await response.text();
    return { status: response.status, location: response.headers.get('location'), html };
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Record<string, string>) {
    return this.request(path, { form });
  }
}

/** Every `<input type="hidden">` of a page, by name (the last one wins). */
export function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    out[match[1]!] = decodeEntities(match[2]!);
  }
  return out;
}

export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The query parameters of a redirect Location. */
export function queryOf(location: string | null): Record<string, string> {
  if (location === null) throw new Error('no Location header');
  const q = location.indexOf('?');
  return Object.fromEntries(new URLSearchParams(q < 0 ? '' : location.slice(q + 1)));
}
