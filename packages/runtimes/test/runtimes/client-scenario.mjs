// The client as an app ships it — createHhOAuth over an encrypted memory store — signing in,
// reading /me, refreshing once after expiry and signing out, against the hh.ru emulator over
// real HTTP. Run unchanged in Node 20 and 22, Bun, Deno, Chromium and workerd (Cloudflare's
// worker runtime, through miniflare) by `../runtimes.test.ts`. Plain ESM, Web APIs only.
//
// `./client.mjs` is not in the repository: the test bundles it with esbuild from the built
// packages (`platform: 'browser'` for Chromium, `'neutral'` elsewhere, so a `node:` import fails
// the build). `config` says where the emulator is and which app to use.
import { createHhOAuth, createMemoryStore, encryptedStore, isHhOAuthError } from './client.mjs';

const FIFTEEN_DAYS_S = 15 * 24 * 3600;

function detectRuntime() {
  const g = globalThis;
  if (typeof g.Deno?.version?.deno === 'string')
    return { runtime: 'deno', version: g.Deno.version.deno };
  if (typeof g.Bun?.version === 'string') return { runtime: 'bun', version: g.Bun.version };
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return { runtime: 'workerd', version: '' };
  if (typeof g.process?.versions?.node === 'string')
    return { runtime: 'node', version: g.process.versions.node };
  const chrome = /Chrome\/([\d.]+)/.exec(g.navigator?.userAgent ?? '');
  if (chrome) return { runtime: 'chromium', version: chrome[1] };
  return { runtime: 'unknown', version: '' };
}

/** Runs the scenario; resolves to `{ ok, runtime, version, checks, refreshes }` or rejects. */
export async function runClientScenario(config) {
  let checks = 0;
  const check = (condition, label) => {
    if (condition !== true) throw new Error(`hh-oauth client scenario: check failed: ${label}`);
    checks += 1;
  };
  const control = async (path, body) => {
    const response = await fetch(`${config.baseUrl}/__emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`emulator control ${path}: ${response.status}`);
    return response.json();
  };

  // The client's clock follows the emulator's, which the scenario moves.
  let offset = (await control('clock')).now - Date.now();
  const hh = createHhOAuth({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    userAgent: 'hh-oauth-runtimes/1.0 (runtimes@example.com)',
    store: encryptedStore(createMemoryStore(), { key: new Uint8Array(32).fill(5) }),
    oauthBaseUrl: config.baseUrl,
    apiBaseUrl: config.baseUrl,
    clock: { now: () => Date.now() + offset },
  });

  const { url, state } = await hh.startAuthorization();
  check(new URL(url).searchParams.get('state') === state, 'the authorize URL carries the state');
  const { code } = await control('codes', {
    clientId: config.clientId,
    login: config.login,
    redirectUri: config.redirectUri,
  });
  const callback = new URL(config.redirectUri);
  callback.searchParams.set('code', code);
  callback.searchParams.set('state', state);
  const { sessionId } = await hh.completeAuthorization(callback.href, { expectedState: state });
  check(typeof sessionId === 'string' && sessionId.length > 0, 'signed in');

  const me = await hh.me(sessionId);
  check(typeof me === 'object' && me !== null && 'id' in me, '/me answers');
  const first = await hh.getAccessToken(sessionId);
  check((await hh.getAccessToken(sessionId)) === first, 'no refresh before expiry');

  const before = (await control('stats')).token.refresh_token;
  await control('clock', { advanceSeconds: FIFTEEN_DAYS_S });
  offset += FIFTEEN_DAYS_S * 1000;
  const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => hh.getAccessToken(sessionId)));
  check(new Set(tokens).size === 1 && tokens[0] !== first, 'one new token after expiry');
  const refreshes = (await control('stats')).token.refresh_token - before;
  check(refreshes === 1, 'exactly one refresh');

  await hh.revoke(sessionId);
  let refused;
  try {
    await hh.getAccessToken(sessionId);
  } catch (error) {
    refused = error;
  }
  check(isHhOAuthError(refused) && refused.code === 'not_authorized', 'signed out');
  await hh.close?.();
  return { ok: true, ...detectRuntime(), checks, refreshes };
}
