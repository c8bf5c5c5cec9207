// The runtime under faults, in one process: a lock that outlives its TTL, a holder paused past
// it, store blips around a refresh, racing app token requests, corrupt records and listeners that
// throw. Every ordering is made with gates (the test opens them) and the stores' own clocks, never
// with sleeps. Each test names the fault-review row it covers.
import { type Emulator, startEmulator } from '@hh-oauth/emulator';
import type { HttpTransport } from '@hh-oauth/http';
import { createMemoryStore } from '@hh-oauth/storage';
import { createGate, rejectionOf } from '@hh-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HhOAuthEvent } from '../src/index.js';
import { blip, faultStore } from './fault-store.js';
import { clientFor, FOURTEEN_DAYS_S, refreshes, signIn, transportFor } from './helpers.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.controls.reset());

/** The real transport, with the refresh held at a gate after hh.ru answered or before it is sent. */
function gatedTransport(where: 'before' | 'after') {
  const raw = transportFor(emulator);
  const gate = createGate();
  const transport: HttpTransport = {
    ...raw,
    async refreshTokens(input, call) {
      if (where === 'before') await gate.wait();
      const tokens = await raw.refreshTokens(input, call);
      if (where === 'after') await gate.wait();
      return tokens;
    },
  };
  return { transport, gate };
}

/** Resolves once `count` renewals of a lock succeeded. */
function renewals(store: ReturnType<typeof faultStore>, count: number) {
  let seen = 0;
  const reached = createGate();
  const inner = store.extendLock.bind(store);
  store.extendLock = async (...args) => {
    const held = await inner(...args);
    if (held && ++seen >= count) void reached.wait();
    return held;
  };
  return reached.reached;
}

describe('row 1: the lock protects a live holder, and a received pair is never dropped', () => {
  it('a slow token endpoint outlasts the lock TTL: the holder renews, the waiter waits, 1 refresh, everyone gets the pair', async () => {
    const store = faultStore(createMemoryStore());
    const lock = { ttlMs: 300, waitMs: 20_000, pollMs: 5 };
    const slow = gatedTransport('before');
    const holder = clientFor(emulator, store, { lock, transport: slow.transport });
    const waiter = clientFor(emulator, store, { lock });
    const sessionId = await signIn(holder, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const renewed = renewals(store, 3);

    const first = holder.getAccessToken(sessionId);
    await slow.gate.reached; // the refresh is about to leave; the lock is held
    await renewed; // three renewals: longer than the TTL has passed, the lock still holds
    const second = waiter.getAccessToken(sessionId);
    slow.gate.open();

    const [a, b] = await Promise.all([first, second]);
    expect(a).toBe(b);
    expect(refreshes(emulator)).toBe(1);
    expect(await waiter.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: a },
    });
  });

  it('a holder paused past the TTL still stores the pair it received over the waiter’s stale record', async () => {
    let storeNow = Date.now();
    const shared = createMemoryStore({ now: () => storeNow });
    const pausedStore = faultStore(shared);
    const lock = { ttlMs: 1_000, waitMs: 20_000, pollMs: 5 };
    const answered = gatedTransport('after');
    const paused = clientFor(emulator, pausedStore, { lock, transport: answered.transport });
    const other = clientFor(emulator, shared, { lock });
    const sessionId = await signIn(paused, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    // Paused: its renewals never complete, as in a stopped process.
    pausedStore.on('extendLock', () => new Promise(() => {}));

    const pausedCall = paused.getAccessToken(sessionId);
    await answered.gate.reached; // hh.ru issued the pair; the holder has not stored it yet
    storeNow += 2 * lock.ttlMs; // the lock's TTL runs out
    // The other process takes the lock, finds the refresh token spent and no pair: stale.
    expect(await rejectionOf(other.getAccessToken(sessionId))).toMatchObject({
      code: 'refresh_token_reused',
    });
    expect(await other.session(sessionId)).toMatchObject({ status: 'stale' });

    answered.gate.open(); // the holder resumes
    const token = await pausedCall;
    expect(refreshes(emulator)).toBe(1);
    // A valid pair supersedes stale: the session is not lost, and the other process gets it.
    expect(await other.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: token },
    });
    expect(await other.getAccessToken(sessionId)).toBe(token);
  });
});

describe('row 2: a received pair is written until the lock would run out', () => {
  it('the store is down right after hh.ru answered: the write is retried, the pair lands, the caller gets it', async () => {
    const store = faultStore(createMemoryStore());
    const answered = gatedTransport('after');
    const hh = clientFor(emulator, store, { transport: answered.transport });
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const events: HhOAuthEvent[] = [];
    hh.onEvent((event) => events.push(event));
    // The store comes back once the client has retried three times.
    const retried = createGate();
    hh.onEvent((event) => {
      if (event.type === 'store.retry' && event.attempt >= 3) void retried.wait();
    });

    const call = hh.getAccessToken(sessionId);
    await answered.gate.reached;
    store.on('set', () => {
      throw blip();
    });
    answered.gate.open();
    await retried.reached;
    store.on('set', undefined);

    const token = await call;
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: token },
    });
    expect(events.filter((e) => e.type === 'store.retry').length).toBeGreaterThanOrEqual(3);
  });

  it('a store that stays down past the budget: the pair is held in memory and handed out, then written', async () => {
    const store = faultStore(createMemoryStore());
    const answered = gatedTransport('after');
    const lock = { ttlMs: 200, waitMs: 20_000, pollMs: 5 };
    const hh = clientFor(emulator, store, { lock, transport: answered.transport });
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    const held = createGate();
    hh.onEvent((event) => {
      if (event.type === 'pair.held') void held.wait();
    });

    const call = hh.getAccessToken(sessionId);
    await answered.gate.reached;
    store.on('set', () => {
      throw blip();
    });
    answered.gate.open();
    const token = await call;
    await held.reached;
    // The store still has the spent copy; this process hands out the pair it holds.
    expect(await hh.getAccessToken(sessionId)).toBe(token);
    expect(refreshes(emulator)).toBe(1);

    store.on('set', undefined);
    const stored = createGate();
    hh.onEvent((event) => {
      if (event.type === 'pair.stored') void stored.wait();
    });
    expect(await hh.getAccessToken(sessionId)).toBe(token); // schedules the write
    await stored.reached;
    const other = clientFor(emulator, store);
    expect(await other.session(sessionId)).toMatchObject({
      status: 'authorized',
      tokens: { accessToken: token },
    });
    expect(refreshes(emulator)).toBe(1);
  });
});

describe('row 3: a failed spent marker sends nothing and spends nothing', () => {
  it('a short blip while marking the refresh token spent is retried: one refresh, the session goes on', async () => {
    const store = faultStore(createMemoryStore());
    const hh = clientFor(emulator, store);
    const sessionId = await signIn(hh, emulator);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    let failures = 2;
    store.on('set', () => {
      if (failures-- > 0) throw blip();
    });
    const token = await hh.getAccessToken(sessionId);
    expect(refreshes(emulator)).toBe(1);
    expect(await hh.session(sessionId)).toMatchObject({ tokens: { accessToken: token } });
  });

  it('a store that stays down while marking: nothing is sent, nothing is spent, the next call refreshes', async () => {
    const store = faultStore(createMemoryStore());
    const hh = clientFor(emulator, store);
    const sessionId = await signIn(hh, emulator);
    const before = await hh.session(sessionId);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    store.on('set', () => {
      throw blip();
    });
    expect(await rejectionOf(hh.getAccessToken(sessionId))).toMatchObject({
      code: 'network_error',
      recovery: 'retry_later',
      sent: false,
    });
    expect(refreshes(emulator)).toBe(0);
    expect(await hh.session(sessionId)).toEqual(before); // not marked spent
    store.on('set', undefined);
    const token = await hh.getAccessToken(sessionId);
    expect(refreshes(emulator)).toBe(1);
    expect(token).not.toBe(before?.tokens?.accessToken);
  });
});

describe('row 7: the app token is marked requested before the request leaves', () => {
  it('4 clients ask while the lock is no protection at all: one client_credentials request', async () => {
    const shared = faultStore(createMemoryStore());
    // Every caller gets "the lock", as when it expires under each of them in turn.
    shared.tryLock = async () => `owner-${Math.random()}`;
    shared.unlock = async () => true;
    shared.extendLock = async () => true;
    const raw = transportFor(emulator);
    const gate = createGate();
    const transport: HttpTransport = {
      ...raw,
      async requestAppToken(call) {
        await gate.wait();
        return raw.requestAppToken(call);
      },
    };
    const clients = Array.from({ length: 4 }, () => clientFor(emulator, shared, { transport }));
    const calls = clients.map((c) => c.getAppToken());
    await gate.reached;
    gate.open();
    const results = await Promise.allSettled(calls);
    expect(emulator.controls.stats().token.client_credentials).toBe(1);
    const token = emulator.controls.appToken(emulator.app.clientId);
    for (const result of results) {
      if (result.status === 'fulfilled') expect(result.value).toBe(token);
      else expect(result.reason).toMatchObject({ code: 'app_token_too_early' });
    }
    for (const client of clients) expect(await client.getAppToken()).toBe(token);
  });
});

describe('row 8: typed errors only, and listeners isolated', () => {
  it('a corrupt pending authorization is a typed callback error, not a SyntaxError', async () => {
    const store = createMemoryStore();
    const hh = clientFor(emulator, store);
    const { url, state } = await hh.startAuthorization();
    const key = `hh-oauth:pending:${state}`;
    const current = await store.get(key);
    await store.set(key, '{"v":1,"sessionId":', { expectedVersion: current?.version ?? 0 });
    const callback = new URL(
      new URL(url).searchParams.get('redirect_uri') ?? emulator.app.redirectUri,
    );
    callback.searchParams.set('code', 'C');
    callback.searchParams.set('state', state);
    const error = await rejectionOf(
      hh.completeAuthorization(callback.href, { expectedState: state }),
    );
    expect(error).toMatchObject({ name: 'CallbackError', code: 'invalid_callback' });
    expect(String(error)).not.toContain('sessionId');
  });

  it('a listener that throws neither reaches the caller nor stops the others, and is reported', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const hh = clientFor(emulator, createMemoryStore());
      const sessionId = await signIn(hh, emulator);
      emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
      hh.onTransition(() => {
        throw new Error('a broken listener');
      });
      const seen: HhOAuthEvent[] = [];
      hh.onEvent((event) => seen.push(event));
      const token = await hh.getAccessToken(sessionId);
      expect(token).toEqual(expect.any(String));
      expect(seen.some((e) => e.type === 'transition' && e.state === 'authorized')).toBe(true);
      const failures = seen.filter((e) => e.type === 'listener.error');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatchObject({ error: { name: 'Error', message: 'a broken listener' } });
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('events carry no secret: no token, code or client secret in any of them', async () => {
    const hh = clientFor(emulator, createMemoryStore());
    const seen: HhOAuthEvent[] = [];
    hh.onEvent((event) => seen.push(event));
    const sessionId = await signIn(hh, emulator);
    const first = await hh.session(sessionId);
    emulator.controls.advanceClock(FOURTEEN_DAYS_S + 1);
    await hh.getAccessToken(sessionId);
    const second = await hh.session(sessionId);
    await hh.revoke(sessionId);
    const text = JSON.stringify(seen);
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['transition', 'request', 'lock']),
    );
    for (const secret of [
      emulator.app.clientSecret,
      first?.tokens?.accessToken,
      first?.tokens?.refreshToken,
      second?.tokens?.accessToken,
      second?.tokens?.refreshToken,
    ]) {
      expect(secret).toBeTruthy();
      expect(text).not.toContain(secret);
    }
  });
});
