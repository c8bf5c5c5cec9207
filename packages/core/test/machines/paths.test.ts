// Path coverage: xstate's graph utilities enumerate every reachable state and every transition
// (edge) of both machines; each edge is walked on a real actor whose effects are deferred and
// settled by the path's own done/error events, and the reached state is asserted.

import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, type AnyStateNode, createActor, fromPromise, waitFor } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import {
  type AppTokenRecord,
  appTokenMachine,
  type ErrorCode,
  HhOAuthError,
  type SessionRecord,
  sessionMachine,
  type TokenSet,
  toAppTokenRecord,
  toRecord,
} from '../../src/index.js';

const H = 3_600_000;
const PAIR: TokenSet = {
  accessToken: 'A',
  tokenType: 'bearer',
  refreshToken: 'R',
  expiresAt: H,
  obtainedAt: 0,
};
const NEXT: TokenSet = {
  accessToken: 'B',
  tokenType: 'bearer',
  refreshToken: 'Q',
  expiresAt: 3 * H,
  obtainedAt: H,
};
const APP: TokenSet = { accessToken: 'APP', tokenType: 'bearer', obtainedAt: 0 };
const err = (code: ErrorCode) => new HhOAuthError(code, code);
const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output });
const fail = (id: string, code: ErrorCode) => ({
  type: `xstate.error.actor.${id}`,
  error: err(code),
});

type AnyEvent = { type: string; [key: string]: unknown };

/** Deferred effects: each invocation waits for the path's done/error event. */
function deferredActors(ids: readonly string[]) {
  const pending = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  const actors = Object.fromEntries(
    ids.map((id) => [
      id,
      fromPromise(
        () =>
          new Promise((resolve, reject) => {
            pending.set(id, { resolve, reject });
          }),
      ),
    ]),
  );
  return { actors, pending };
}

function transitionsOf(machine: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  for (const node of Object.values(machine.root.states) as AnyStateNode[]) {
    if (node.key === 'restore') continue; // covered by the restore test below
    for (const list of node.transitions.values()) {
      for (const t of list) {
        if (t.target?.[0]) out.add(`${node.key} -${t.eventType}-> ${t.target[0].key}`);
      }
    }
  }
  return out;
}

async function walkAll(
  machine: AnyStateMachine,
  events: readonly AnyEvent[],
  effectIds: readonly string[],
  serialize: (snapshot: { value: unknown; context: unknown }) => string,
) {
  const options = {
    events: events as never,
    serializeState: serialize as never,
    serializeEvent: ((e: AnyEvent) =>
      JSON.stringify(e, (_k, v) => (v instanceof Error ? String(v) : v))) as never,
    limit: 50_000,
  };
  const provided = machine.provide({ actors: deferredActors(effectIds).actors } as never);
  const adjacency = getAdjacencyMap(provided, options);
  const shortest = new Map<string, { steps: { event: AnyEvent }[] }>();
  for (const path of getShortestPaths(provided, options)) {
    shortest.set(serialize(path.state as never), path as never);
  }
  const covered = new Set<string>();
  const states = new Set<string>();
  let walked = 0;
  for (const [key, { state, transitions }] of Object.entries(adjacency)) {
    const to = shortest.get(key);
    expect(to, key).toBeDefined();
    states.add(String((state as { value: unknown }).value));
    for (const { event, state: next } of Object.values(transitions) as {
      event: unknown;
      state: unknown;
    }[]) {
      const from = String((state as { value: unknown }).value);
      const target = String((next as { value: unknown }).value);
      const changed = serialize(next as never) !== key;
      if (!changed) continue;
      covered.add(`${from} -${(event as AnyEvent).type}-> ${target}`);
      // Walk it on a real actor: the path to the source state, then this edge.
      const { actors, pending } = deferredActors(effectIds);
      const actor = createActor(machine.provide({ actors } as never)).start();
      for (const step of [...(to?.steps ?? []).map((s) => s.event), event as AnyEvent]) {
        const effect = /^xstate\.(done|error)\.actor\.(.+)$/.exec(step.type);
        if (effect) {
          await Promise.resolve();
          const deferred = pending.get(effect[2] ?? '');
          expect(deferred, `${step.type} has an effect in flight`).toBeDefined();
          pending.delete(effect[2] ?? '');
          if (effect[1] === 'done') deferred?.resolve(step.output);
          else deferred?.reject(step.error);
          const expected = actor.getSnapshot().value;
          await waitFor(actor, (s) => s.value !== expected || s.value === target);
        } else {
          actor.send(step as never);
        }
      }
      expect(serialize(actor.getSnapshot() as never)).toBe(serialize(next as never));
      actor.stop();
      walked += 1;
    }
  }
  return { covered, states, walked };
}

describe('path coverage', () => {
  it('walks every transition of sessionMachine on a real actor', async () => {
    const events: AnyEvent[] = [
      { type: 'auth.start', now: 0, state: 'S', redirectUri: 'https://example.com/oauth?x' },
      { type: 'auth.start', now: 0, state: '' },
      { type: 'auth.callback', now: 1, state: 'S', code: 'C' },
      { type: 'auth.callback', now: 1, state: 'T', code: 'C' },
      { type: 'auth.callback', now: 1, state: 'S', error: 'access_denied' },
      { type: 'auth.callback', now: 1, state: 'S' },
      { type: 'auth.callback', now: 10 * H, state: 'S', code: 'C' },
      { type: 'token.request', now: 2 },
      { type: 'token.request', now: H },
      { type: 'token.request', now: 3 * H },
      { type: 'token.expired', now: 2 },
      { type: 'token.rejected', now: 2, code: 'token_revoked' },
      { type: 'session.revoke', now: 2 },
      { type: 'session.revoke', now: 3 * H },
      done('exchangeCode', PAIR),
      done('refreshTokens', NEXT),
      done('refreshTokens', { ...NEXT, refreshToken: undefined }),
      done('invalidateToken', undefined),
      fail('exchangeCode', 'code_expired'),
      fail('exchangeCode', 'network_error'),
      fail('refreshTokens', 'token_not_expired'),
      fail('refreshTokens', 'refresh_token_reused'),
      fail('refreshTokens', 'timeout'),
      fail('refreshTokens', 'token_deactivated'),
      fail('invalidateToken', 'bad_authorization'),
      fail('invalidateToken', 'server_error'),
      done('saveRecord', undefined),
      fail('saveRecord', 'network_error'),
    ];
    const { covered, states, walked } = await walkAll(
      sessionMachine,
      events,
      ['exchangeCode', 'refreshTokens', 'invalidateToken', 'saveRecord'],
      (s) => {
        const context = s.context as { revokeRequested: boolean; unsaved: boolean };
        return JSON.stringify([
          s.value,
          toRecord(s as never),
          context.revokeRequested,
          context.unsaved,
        ]);
      },
    );
    const all = Object.keys(sessionMachine.root.states).filter((k) => k !== 'restore');
    expect([...states].sort()).toEqual(all.sort());
    expect([...transitionsOf(sessionMachine)].filter((t) => !covered.has(t))).toEqual([]);
    expect(walked).toBeGreaterThan(50);
    console.log(
      `session: ${states.size} states, ${covered.size} transitions, ${walked} edges walked`,
    );
  });

  it('walks every transition of appTokenMachine on a real actor', async () => {
    const events: AnyEvent[] = [
      { type: 'app.request', now: 0 },
      { type: 'app.request', now: 6 * 60_000 },
      { type: 'app.request', now: 12 * 60_000 },
      { type: 'app.invalid', now: 60_000, code: 'bad_authorization' },
      { type: 'app.invalid', now: 7 * 60_000, code: 'token_revoked' },
      { type: 'app.invalid', now: 60_000, code: 'application_not_found' },
      { type: 'app.reset', now: 60_000 },
      done('requestAppToken', APP),
      fail('requestAppToken', 'app_token_too_early'),
      fail('requestAppToken', 'server_error'),
      fail('requestAppToken', 'invalid_client'),
      done('saveRecord', undefined),
      fail('saveRecord', 'network_error'),
    ];
    const { covered, states } = await walkAll(
      appTokenMachine,
      events,
      ['requestAppToken', 'saveRecord'],
      (s) =>
        JSON.stringify([
          s.value,
          toAppTokenRecord(s as never),
          (s.context as { unsaved: boolean }).unsaved,
        ]),
    );
    const all = Object.keys(appTokenMachine.root.states).filter((k) => k !== 'restore');
    expect([...states].sort()).toEqual(all.sort());
    expect([...transitionsOf(appTokenMachine)].filter((t) => !covered.has(t))).toEqual([]);
  });

  it('restores into every stable state (the restore transitions)', () => {
    const sessions: SessionRecord[] = [
      { v: 1, kind: 'session', status: 'idle' },
      { v: 1, kind: 'session', status: 'authorizing', pending: { state: 'S', expiresAt: 1 } },
      { v: 1, kind: 'session', status: 'authorized', tokens: PAIR },
      { v: 1, kind: 'session', status: 'signedOut' },
      { v: 1, kind: 'session', status: 'failed', error: { code: 'token_revoked', message: 'm' } },
      {
        v: 1,
        kind: 'session',
        status: 'stale',
        tokens: PAIR,
        error: { code: 'refresh_token_reused', message: 'm' },
      },
    ];
    for (const record of sessions) {
      expect(createActor(sessionMachine, { input: { record } }).getSnapshot().value).toBe(
        record.status,
      );
    }
    const apps: AppTokenRecord[] = [
      { v: 1, kind: 'app', status: 'none' },
      { v: 1, kind: 'app', status: 'active', token: APP },
      { v: 1, kind: 'app', status: 'coolingDown', retryAt: 5 },
      { v: 1, kind: 'app', status: 'failed', error: { code: 'invalid_client', message: 'm' } },
    ];
    for (const record of apps) {
      expect(createActor(appTokenMachine, { input: { record } }).getSnapshot().value).toBe(
        record.status,
      );
    }
  });
});
