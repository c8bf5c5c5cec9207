/** `/__emulator/*`: the controls as JSON. Documented in README.md; a public contract. */
import { Hono } from 'hono';
import type { EmulatorControls } from '../controls.js';
import { EmulatorInputError } from '../errors.js';
import type { FaultSpec } from '../faults.js';
import type { AppReview } from '../model.js';
import type { StubRouteSpec } from '../stub-routes.js';
import { EMULATOR_VERSION } from '../version.js';
import { CONTROL_PREFIX } from './faults.js';

type Json = Record<string, unknown>;

const optionalString = (body: Json, key: string): string | undefined => {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new EmulatorInputError(`${key} must be a string`);
  return value;
};

const requiredString = (body: Json, key: string): string => {
  const value = optionalString(body, key);
  if (value === undefined) throw new EmulatorInputError(`${key} is required`);
  return value;
};

const optionalBoolean = (body: Json, key: string): boolean | undefined => {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new EmulatorInputError(`${key} must be a boolean`);
  return value;
};

/** Drops undefined values, for `exactOptionalPropertyTypes`. */
function defined<T extends Json>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

export function controlRoutes(controls: EmulatorControls, inFlight: () => number = () => 0): Hono {
  const routes = new Hono().basePath(CONTROL_PREFIX);

  routes.onError((error, c) => {
    if (error instanceof EmulatorInputError) return c.json({ error: error.message }, 400);
    throw error;
  });

  /** The JSON body; `{}` when there is none. */
  const body = async (request: Request): Promise<Json> => {
    const text = await request.text();
    if (text.trim() === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new EmulatorInputError('the body must be JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new EmulatorInputError('the body must be a JSON object');
    }
    return value as Json;
  };

  routes.get('/health', (c) =>
    c.json({ ready: true, version: EMULATOR_VERSION, now: controls.now(), inFlight: inFlight() }),
  );

  routes.get('/clock', (c) => c.json({ now: controls.now() }));
  routes.post('/clock', async (c) => {
    const b = await body(c.req.raw);
    if (b['now'] !== undefined) controls.setClock(b['now'] as number);
    if (b['advanceSeconds'] !== undefined) controls.advanceClock(b['advanceSeconds'] as number);
    return c.json({ now: controls.now() });
  });

  routes.post('/codes', async (c) => {
    const b = await body(c.req.raw);
    const input = defined({
      clientId: requiredString(b, 'clientId'),
      login: requiredString(b, 'login'),
      redirectUri: optionalString(b, 'redirectUri'),
    });
    return c.json({ code: controls.issueCode(input) });
  });

  routes.get('/stats', (c) => c.json(controls.stats()));

  routes.post('/reset', (c) => {
    controls.reset();
    return c.json({ ok: true });
  });

  routes.get('/ttl', (c) => c.json(controls.setTtl({})));
  routes.post('/ttl', async (c) => {
    const b = await body(c.req.raw);
    return c.json(
      controls.setTtl(
        defined({
          tokenTtlSeconds: b['tokenTtlSeconds'] as number | undefined,
          codeTtlSeconds: b['codeTtlSeconds'] as number | undefined,
        }),
      ),
    );
  });

  routes.post('/users/:login/password', async (c) => {
    const b = await body(c.req.raw);
    controls.changePassword(c.req.param('login'), requiredString(b, 'password'));
    return c.json({ ok: true });
  });
  routes.post('/users/:login/revoke-tokens', (c) =>
    c.json({ revoked: controls.revokeTokens(c.req.param('login')) }),
  );
  routes.post('/users/:login', async (c) => {
    const b = await body(c.req.raw);
    const flags = defined({
      locked: optionalBoolean(b, 'locked'),
      verified: optionalBoolean(b, 'verified'),
      passwordInvalidated: optionalBoolean(b, 'passwordInvalidated'),
      loginNotAllowed: optionalBoolean(b, 'loginNotAllowed'),
    });
    return c.json(controls.setUserFlags(c.req.param('login'), flags));
  });

  routes.get('/faults', (c) => c.json({ faults: controls.faults() }));
  routes.post('/faults', async (c) => {
    controls.addFault((await body(c.req.raw)) as unknown as FaultSpec);
    return c.json({ faults: controls.faults() });
  });
  routes.delete('/faults', (c) => {
    controls.clearFaults();
    return c.json({ faults: [] });
  });

  routes.get('/user-agent-blacklist', (c) => c.json({ values: controls.userAgentBlacklist() }));
  routes.post('/user-agent-blacklist', async (c) => {
    controls.setUserAgentBlacklist((await body(c.req.raw))['values'] as string[]);
    return c.json({ values: controls.userAgentBlacklist() });
  });

  routes.post('/apps', async (c) => {
    const b = await body(c.req.raw);
    const input = defined({
      name: optionalString(b, 'name'),
      description: optionalString(b, 'description'),
      redirectUri: requiredString(b, 'redirectUri'),
      clientId: optionalString(b, 'clientId'),
      clientSecret: optionalString(b, 'clientSecret'),
    });
    return c.json(controls.registerApp(input));
  });
  routes.delete('/apps/:clientId', (c) =>
    c.json({ deleted: controls.deleteApp(c.req.param('clientId')) }),
  );
  routes.post('/apps/:clientId/review', async (c) => {
    const status = requiredString(await body(c.req.raw), 'status') as AppReview;
    return c.json({ status: controls.setAppReview(c.req.param('clientId'), status) });
  });
  routes.get('/apps/:clientId/app-token', (c) =>
    c.json({ access_token: controls.appToken(c.req.param('clientId')) ?? null }),
  );

  routes.get('/requests', (c) => {
    const q = (name: string) => c.req.query(name);
    const count = (name: string) => {
      const value = q(name);
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new EmulatorInputError(`${name} must be a whole number`);
      return n;
    };
    const filter = defined({
      method: q('method'),
      path: q('path'),
      grantType: q('grantType'),
      clientId: q('clientId'),
      status: count('status'),
      since: count('since'),
      limit: count('limit'),
    });
    return c.json({ requests: controls.requests(filter) });
  });
  routes.delete('/requests', (c) => {
    controls.clearRequests();
    return c.json({ requests: [] });
  });

  routes.get('/routes', (c) => c.json({ routes: controls.routes() }));
  routes.post('/routes', async (c) => {
    controls.addRoute((await body(c.req.raw)) as unknown as StubRouteSpec);
    return c.json({ routes: controls.routes() });
  });
  routes.delete('/routes', (c) => {
    controls.clearRoutes();
    return c.json({ routes: [] });
  });

  return routes;
}
