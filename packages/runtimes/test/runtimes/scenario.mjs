// One full hh-oauth scenario, run unchanged in Node 20 and 22, Bun, Deno and Chromium by
// `../runtimes.test.ts`. Plain ESM JavaScript, Web APIs only: no `process`, no `node:` imports.
//
// `./core.mjs` is not in the repository: the test bundles it into a temporary directory next to a
// copy of this file, from the built core (`packages/core/dist/index.js`) plus the xstate functions
// a caller runs the machines with (`createActor`, `fromPromise`, `waitFor`), taken from the very
// xstate copy the core imports. Every runtime loads the same bundle.
//
// The effects are an in-memory hh.ru (`createFakeHh`) that keeps hh.ru's rules minimally: a code
// works once and only with the redirect_uri it was issued for, a refresh token works once and only
// after its access token expired, an application token is issued at most once per 5 minutes.
// It answers as hh.ru does (status + JSON text), so the core's parsers read every answer.
//
// Prints one JSON line, `{"ok":true,"runtime":…,"version":…,"checks":N}`, or throws (a non-zero
// exit in the command-line runtimes, a page error in the browser).
import * as core from './core.mjs';

const { createActor, fromPromise, waitFor } = core;

let checks = 0;

/** One check: counts it, or throws with its label. */
function check(condition, label) {
  if (condition !== true) throw new Error(`hh-oauth runtime scenario: check failed: ${label}`);
  checks += 1;
}

/** Runs `fn`, which must throw an HhOAuthError with `code`; returns the error. */
function throwsCode(fn, code, label) {
  try {
    fn();
  } catch (error) {
    check(core.isHhOAuthError(error) && error.code === code, `${label}: code ${code}`);
    return error;
  }
  throw new Error(`hh-oauth runtime scenario: ${label}: did not throw`);
}

function detectRuntime() {
  const g = globalThis;
  if (typeof g.Deno?.version?.deno === 'string') {
    return { runtime: 'deno', version: g.Deno.version.deno };
  }
  if (typeof g.Bun?.version === 'string') return { runtime: 'bun', version: g.Bun.version };
  if (typeof g.process?.versions?.node === 'string') {
    return { runtime: 'node', version: g.process.versions.node };
  }
  const chrome = /Chrome\/([\d.]+)/.exec(g.navigator?.userAgent ?? '');
  if (chrome) return { runtime: 'chromium', version: chrome[1] };
  return { runtime: 'unknown', version: '' };
}

// -----------------------------------------------------------------------------------------------
// An in-memory hh.ru

const CLIENT_ID = 'RUNTIME_CLIENT';
const REGISTERED_REDIRECT_URI = 'http://example.com/oauth';
const ACCESS_LIFETIME_S = 3600;
const APP_TOKEN_COOLDOWN_MS = 5 * 60 * 1000;

function createFakeHh(clock) {
  const codes = new Map(); // code → { redirectUri, used }
  const refreshTokens = new Map(); // refresh token → { expiresAt, used }
  const accessTokens = new Map(); // access token → expiresAt
  const calls = { authorize: 0, code: 0, refresh: 0, app: 0, invalidate: 0 };
  let serial = 0;
  let lastAppTokenAt;

  const answer = (status, body) => ({ status, text: JSON.stringify(body) });
  const oauthError = (status, error, description) =>
    answer(status, { error, error_description: description });

  function issue(withRefreshToken) {
    serial += 1;
    const accessToken = `AT${serial}`;
    const expiresAt = clock.now + ACCESS_LIFETIME_S * 1000;
    accessTokens.set(accessToken, expiresAt);
    const body = { access_token: accessToken, token_type: 'bearer', expires_in: ACCESS_LIFETIME_S };
    if (withRefreshToken) {
      body.refresh_token = `RT${serial}`;
      refreshTokens.set(body.refresh_token, { expiresAt, used: false });
    }
    return answer(200, body);
  }

  return {
    calls,
    /** GET /oauth/authorize, the user allows: the URL hh.ru redirects the browser to. */
    authorize(authorizeUrl) {
      calls.authorize += 1;
      const params = new URL(authorizeUrl).searchParams;
      if (params.get('response_type') !== 'code' || params.get('client_id') !== CLIENT_ID) {
        throw new Error('fake hh.ru: bad authorize request');
      }
      const requested = params.get('redirect_uri') ?? undefined;
      const target = requested ?? REGISTERED_REDIRECT_URI;
      if (!core.validateRedirectUri(REGISTERED_REDIRECT_URI, target).ok) {
        throw new Error('fake hh.ru: redirect_uri refused');
      }
      const code = `CODE${calls.authorize}`;
      codes.set(code, { redirectUri: requested, used: false });
      const callback = new URL(target);
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', params.get('state') ?? '');
      return callback.href;
    },
    /** POST /oauth/token, grant_type=authorization_code. */
    async exchangeCode(code, redirectUri) {
      calls.code += 1;
      const entry = codes.get(code);
      if (!entry) return oauthError(400, 'invalid_request', 'code not found');
      if (entry.used) return oauthError(400, 'invalid_grant', 'code has already been used');
      // Byte for byte, and present exactly when it went to /oauth/authorize.
      if (redirectUri !== entry.redirectUri) {
        return oauthError(400, 'invalid_request', 'bad redirect url');
      }
      entry.used = true;
      return issue(true);
    },
    /** POST /oauth/token, grant_type=refresh_token. */
    async refresh(refreshToken) {
      calls.refresh += 1;
      const entry = refreshTokens.get(refreshToken);
      if (!entry) return oauthError(400, 'invalid_request', 'token not found');
      if (entry.used) return oauthError(400, 'invalid_grant', 'token has already been refreshed');
      if (clock.now < entry.expiresAt) return oauthError(400, 'invalid_grant', 'token not expired');
      entry.used = true;
      return issue(true);
    },
    /** POST /oauth/token, grant_type=client_credentials. */
    async requestAppToken() {
      calls.app += 1;
      if (lastAppTokenAt !== undefined && clock.now < lastAppTokenAt + APP_TOKEN_COOLDOWN_MS) {
        return oauthError(403, 'forbidden', 'app token refresh too early');
      }
      lastAppTokenAt = clock.now;
      return issue(false);
    },
    /** DELETE /oauth/token. */
    async invalidate(accessToken) {
      calls.invalidate += 1;
      if (!accessTokens.delete(accessToken)) {
        return answer(403, { errors: [{ type: 'oauth', value: 'bad_authorization' }] });
      }
      return { status: 204, text: '' };
    },
    /** GET /me. */
    async me(accessToken) {
      const expiresAt = accessTokens.get(accessToken);
      if (expiresAt === undefined) {
        return answer(403, { errors: [{ type: 'oauth', value: 'bad_authorization' }] });
      }
      if (clock.now >= expiresAt) {
        return answer(403, { errors: [{ type: 'oauth', value: 'token_expired' }] });
      }
      return answer(200, { id: '1' });
    },
  };
}

// -----------------------------------------------------------------------------------------------
// The scenario

const clock = { now: Date.UTC(2026, 0, 15, 9, 0, 0) };
const hh = createFakeHh(clock);
const tokensOf = ({ status, text }) => core.parseTokenResponse(status, text, { now: clock.now });

// 1. validateRedirectUri: hh.ru's table, hostile inputs, IDN hosts.
for (const requested of [
  'http://www.example.com/oauth',
  'http://www.example.com/oauth/sub/path',
  'http://example.com/oauth?lang=RU',
  'http://www.example.com/oauth/sub/path?lang=RU',
]) {
  check(core.validateRedirectUri(REGISTERED_REDIRECT_URI, requested).ok, `allows ${requested}`);
}
for (const [requested, reason] of [
  ['https://example.com/oauth', 'scheme_mismatch'],
  ['http://wwwexample.com/oauth', 'host_mismatch'],
  ['http://example.com/oauths', 'path_mismatch'],
  ['http://example.com:80/oauth', 'port_mismatch'],
  ['http://evil.com@example.com/oauth', 'userinfo'],
  ['http://example.com\\@evil.com/oauth', 'backslash'],
  ['http://example.com/oauth/%2F%2Fevil.com', 'encoded_separator'],
  ['http://example.com/oauth/../admin', 'dot_segment'],
  ['http://example.com/oauth\t', 'control_character'],
  ['http://example.com/oauth/\u00e9', 'non_ascii'],
]) {
  const verdict = core.validateRedirectUri(REGISTERED_REDIRECT_URI, requested);
  check(
    verdict.ok === false && verdict.reason === reason && verdict.which === 'requested',
    `rejects ${JSON.stringify(requested)} as ${reason}`,
  );
}
const cyrillic = 'https://\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444/cb';
check(core.validateRedirectUri(cyrillic, 'https://xn--e1afmkfd.xn--p1ai/cb').ok, 'IDN = punycode');
check(
  core.validateRedirectUri('https://m\u00fcnchen.de/cb', 'https://xn--mnchen-3ya.de/cb').ok,
  'IDN with a Latin-1 letter',
);

// 2. buildAuthorizeUrl + createState + parseCallback, round trip through the fake hh.ru.
const state = core.createState();
check(/^[A-Za-z0-9_-]{43}$/.test(state), 'createState: 256 bits, base64url');
check(core.createState() !== state, 'createState: fresh each time');
const redirectUri = 'http://www.example.com/oauth/sub?lang=RU&next=a%20b';
const authorizeUrl = core.buildAuthorizeUrl({ clientId: CLIENT_ID, state, redirectUri });
const sent = new URL(authorizeUrl);
check(`${sent.origin}${sent.pathname}` === core.DEFAULT_AUTHORIZE_URL, 'authorize URL: hh.ru');
check(sent.searchParams.get('redirect_uri') === redirectUri, 'authorize URL: redirect_uri intact');
check(sent.searchParams.get('state') === state, 'authorize URL: state');
const callbackUrl = hh.authorize(authorizeUrl);
const callback = core.parseCallback(callbackUrl, { expectedState: state });
check(callback.code === 'CODE1' && callback.state === state, 'parseCallback: the code');
throwsCode(
  () => core.parseCallback(callbackUrl, { expectedState: core.createState() }),
  'state_mismatch',
  'parseCallback: forged state',
);
const denied = throwsCode(
  () =>
    core.parseCallback(`${redirectUri}&error=access_denied&state=${state}`, {
      expectedState: state,
    }),
  'access_denied',
  'parseCallback: access denied',
);
check(denied instanceof core.CallbackError, 'CallbackError is an instance in this realm');

// 3. parseTokenResponse and parseApiError.
const parsed = core.parseTokenResponse(
  200,
  '{"access_token":"A","token_type":"bearer","expires_in":60,"refresh_token":"R"}',
  { now: 1_000 },
);
check(
  parsed.accessToken === 'A' && parsed.refreshToken === 'R' && parsed.expiresAt === 61_000,
  'parseTokenResponse: a pair',
);
const notExpired = throwsCode(
  () =>
    core.parseTokenResponse(
      400,
      '{"error":"invalid_grant","error_description":"token not expired"}',
      { now: 0 },
    ),
  'token_not_expired',
  'parseTokenResponse: token not expired',
);
check(notExpired instanceof core.TokenEndpointError, 'TokenEndpointError');
throwsCode(() => core.parseTokenResponse(502, '<html>', { now: 0 }), 'server_error', '5xx');
throwsCode(() => core.parseTokenResponse(200, '[]', { now: 0 }), 'invalid_response', 'not JSON');
throwsCode(
  () =>
    core.parseTokenResponse(400, '{"error":"invalid_grant","error_description":"x"}', { now: 0 }),
  'oauth_error',
  'an undocumented token error',
);
const expiredApi = core.parseApiError(403, '{"errors":[{"type":"oauth","value":"token_expired"}]}');
check(
  expiredApi instanceof core.ApiError &&
    expiredApi.code === 'token_expired' &&
    expiredApi.recovery === 'refresh',
  'parseApiError: token_expired',
);
check(
  core.parseApiError(400, '{"errors":[{"type":"bad_user_agent","value":"missing"}]}').code ===
    'user_agent_missing',
  'parseApiError: bad_user_agent',
);

// 4. sessionMachine: sign in, refresh only after expiry and once, store and restore, revoke.
const refreshInputs = [];
const session = core.sessionMachine.provide({
  actors: {
    exchangeCode: fromPromise(async ({ input }) =>
      tokensOf(await hh.exchangeCode(input.code, input.redirectUri)),
    ),
    refreshTokens: fromPromise(async ({ input }) => {
      refreshInputs.push(input.refreshToken);
      return tokensOf(await hh.refresh(input.refreshToken));
    }),
    invalidateToken: fromPromise(async ({ input }) => {
      const { status, text } = await hh.invalidate(input.accessToken);
      if (status !== 204) throw core.parseApiError(status, text);
    }),
  },
});
const settled = core.isSettled;

const actor = createActor(session).start();
check(actor.getSnapshot().value === 'idle', 'session: idle');
actor.send({ type: 'auth.start', now: clock.now, state, redirectUri });
check(actor.getSnapshot().value === 'authorizing', 'session: authorizing');
clock.now += 30_000;
actor.send({ type: 'auth.callback', now: clock.now, state: callback.state, code: callback.code });
let snapshot = await waitFor(actor, settled);
check(snapshot.value === 'authorized', 'session: authorized after the callback');
check(snapshot.context.tokens?.accessToken === 'AT1', 'session: the first pair');
check(hh.calls.code === 1, 'session: one code exchange, with the exact redirect_uri');
const replay = await hh.exchangeCode(callback.code, redirectUri);
throwsCode(() => tokensOf(replay), 'code_already_used', 'fake hh.ru: a code works once');

actor.send({ type: 'token.request', now: clock.now });
snapshot = actor.getSnapshot();
check(snapshot.value === 'authorized' && hh.calls.refresh === 0, 'no refresh before expiry');
const hot = core.accessTokenFor(snapshot, clock.now);
check(hot.ok === true && hot.accessToken === 'AT1', 'accessTokenFor: AT1');

// `token.expired` refreshes whatever the clock says; hh.ru answers `token not expired`.
actor.send({ type: 'token.expired', now: clock.now });
snapshot = await waitFor(actor, settled);
check(
  snapshot.value === 'authorized' &&
    snapshot.context.error?.code === 'token_not_expired' &&
    snapshot.context.retryAt === snapshot.context.tokens?.expiresAt &&
    snapshot.context.usedRefreshTokens.length === 0,
  'token not expired: the pair is kept, retryAt set',
);

clock.now = (snapshot.context.tokens?.expiresAt ?? 0) + 1;
const me = await hh.me('AT1');
check(core.parseApiError(me.status, me.text).code === 'token_expired', 'the API: token_expired');
check(core.accessTokenFor(snapshot, clock.now).reason === 'expired', 'accessTokenFor: expired');
actor.send({ type: 'token.request', now: clock.now });
// The spent marker is saved (saveRecord) before the refresh leaves.
check(actor.getSnapshot().value === 'spending', 'session: spending after expiry');
snapshot = await waitFor(actor, settled);
check(snapshot.value === 'authorized', 'session: authorized after the refresh');
check(
  snapshot.context.tokens?.accessToken === 'AT2' && snapshot.context.tokens?.refreshToken === 'RT2',
  'session: a new pair',
);
check(
  refreshInputs.length === 2 && refreshInputs.every((t) => t === 'RT1'),
  'RT1 sent twice: refused once as not expired (so not consumed), then consumed',
);
check(snapshot.context.usedRefreshTokens.includes('RT1'), 'RT1 spent');
const reused = await hh.refresh('RT1');
throwsCode(
  () => tokensOf(reused),
  'refresh_token_reused',
  'fake hh.ru: a refresh token works once',
);
actor.send({ type: 'token.request', now: clock.now });
check(actor.getSnapshot().value === 'authorized' && hh.calls.refresh === 3, 'no second refresh');

// Stored as a small record, read back through untrusted JSON.
const stored = JSON.stringify(core.toRecord(actor.getSnapshot()));
actor.stop();
const record = JSON.parse(stored);
check(record.v === core.RECORD_VERSION && record.status === 'authorized', 'toRecord');
const restored = createActor(session, { input: core.fromRecord(record) }).start();
check(restored.getSnapshot().value === 'authorized', 'fromRecord: authorized');
check(JSON.stringify(core.toRecord(restored.getSnapshot())) === stored, 'record round trip');
throwsCode(
  () => core.fromRecord({ v: 2, kind: 'session', status: 'idle' }),
  'invalid_argument',
  'fromRecord: a newer version',
);

restored.send({ type: 'session.revoke', now: clock.now });
check(restored.getSnapshot().value === 'revoking', 'session: revoking');
snapshot = await waitFor(restored, settled);
check(snapshot.value === 'signedOut' && snapshot.context.tokens === undefined, 'signedOut');
check(hh.calls.invalidate === 1, 'DELETE /oauth/token once');
const afterRevoke = await hh.me('AT2');
check(
  core.parseApiError(afterRevoke.status, afterRevoke.text).code === 'bad_authorization',
  'AT2 dead',
);
check(core.toRecord(snapshot).status === 'signedOut', 'toRecord: signedOut');
restored.stop();

// 5. appTokenMachine: none → active; a bad token within 5 minutes cools down.
const app = createActor(
  core.appTokenMachine.provide({
    actors: { requestAppToken: fromPromise(async () => tokensOf(await hh.requestAppToken())) },
  }),
).start();
check(app.getSnapshot().value === 'none', 'app: none');
const firstRequestAt = clock.now;
app.send({ type: 'app.request', now: clock.now });
let appSnapshot = await waitFor(app, core.isSettled);
check(appSnapshot.value === 'active', 'app: active');
const firstAppToken = appSnapshot.context.token?.accessToken;
check(appSnapshot.context.token?.refreshToken === undefined, 'app: no refresh token');
clock.now += 60_000;
app.send({ type: 'app.invalid', now: clock.now, code: 'bad_authorization' });
appSnapshot = app.getSnapshot();
check(
  appSnapshot.value === 'coolingDown' &&
    appSnapshot.context.retryAt === firstRequestAt + core.APP_TOKEN_COOLDOWN_MS,
  'app: cooling down until 5 minutes after the last request',
);
clock.now += 60_000;
app.send({ type: 'app.request', now: clock.now });
check(app.getSnapshot().value === 'coolingDown' && hh.calls.app === 1, 'app: no request early');
const appRecord = JSON.parse(JSON.stringify(core.toAppTokenRecord(app.getSnapshot())));
check(
  appRecord.status === 'coolingDown' && core.fromAppTokenRecord(appRecord).record.retryAt > 0,
  'app: record round trip',
);
clock.now = firstRequestAt + core.APP_TOKEN_COOLDOWN_MS;
app.send({ type: 'app.request', now: clock.now });
appSnapshot = await waitFor(app, core.isSettled);
check(appSnapshot.value === 'active' && hh.calls.app === 2, 'app: a new token after 5 minutes');
check(appSnapshot.context.token?.accessToken !== firstAppToken, 'app: another token');
app.stop();

console.log(JSON.stringify({ ok: true, ...detectRuntime(), checks }));
