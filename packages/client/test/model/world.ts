// The world a model-based run of the REAL client acts on: hh.ru's rules (the testkit's HhModel) on
// hh.ru's clock, the caller's clock, one memory store shared by two clients (two "processes"),
// with faults it can inject, and a transport that talks to the model through core's own parsers.
import {
  isHhOAuthError,
  parseApiError,
  parseTokenResponse,
  type SessionRecord,
  type TokenSet,
  TransportError,
} from '@hh-oauth/core';
import type { HttpTransport } from '@hh-oauth/http';
import { createMemoryStore } from '@hh-oauth/storage';
import { HhModel } from '@hh-oauth/testkit';
import { createHhOAuth, type HhOAuth } from '../../src/index.js';
import { type FaultStore, faultStore } from '../fault-store.js';

export const REDIRECT_URI = 'https://example.com/oauth';
export const SESSION = 'model-session';

/** A refresh as the transport sent it. */
export interface RefreshSend {
  readonly refreshToken: string;
  readonly clientNow: number;
  /** The model's answer: a pair, or the error code it parsed to. */
  outcome?: 'ok' | string;
}

/** A pair the transport handed to a client (its response reached the client). */
export interface Delivered {
  readonly tokens: TokenSet;
  /** The client's clock when it arrived, and so when it expires by that clock. */
  readonly expiresAtClient: number;
}

export interface WorldOptions {
  readonly start?: number;
  readonly skewMs?: number;
  readonly expiresInSeconds?: number;
}

export class ClientWorld {
  private readonly memory: ReturnType<typeof createMemoryStore>;
  readonly server: HhModel;
  clientNow: number;
  readonly store: FaultStore;
  readonly clients: HhOAuth[];
  readonly sends: RefreshSend[] = [];
  readonly delivered: Delivered[] = [];
  /** Access tokens the API answered `token_expired` for (a refresh then needs no clock check). */
  readonly toldExpired = new Set<string>();
  /** Every rejection a client call ended with, for the "typed errors only" invariant. */
  readonly rejections: unknown[] = [];
  signedIn = false;
  /** Set while a store outage is injected: a held pair need not have reached the store. */
  storeDown = false;
  /** The next `set` calls to fail. */
  blips = 0;

  constructor(options: WorldOptions = {}) {
    this.clientNow = options.start ?? 1_700_000_000_000;
    this.server = new HhModel(this.clientNow + (options.skewMs ?? 0), {
      expiresInSeconds: options.expiresInSeconds ?? 1_209_600,
    });
    this.memory = createMemoryStore({ now: () => this.clientNow });
    this.store = faultStore(this.memory);
    this.store.on('set', () => {
      if (this.storeDown || this.blips > 0) {
        if (this.blips > 0) this.blips -= 1;
        throw new TransportError('network_error', 'the model store is unreachable');
      }
    });
    const transport = this.transport();
    // Short budgets in real time: a failing save gives up within ~50 ms, so runs stay fast.
    const make = () =>
      createHhOAuth({
        clientId: 'model-client',
        clientSecret: 'model-secret',
        redirectUri: REDIRECT_URI,
        userAgent: 'hh-oauth-model/1.0 (model@example.com)',
        store: this.store,
        transport,
        clock: { now: () => this.clientNow },
        lock: { ttlMs: 50, waitMs: 5_000, pollMs: 1 },
      });
    this.clients = [make(), make()];
  }

  /** The stored session record, read from the store itself (not through a client). */
  storedSession(): SessionRecord | undefined {
    const entry = this.memory.peek!(`hh-oauth:session:${SESSION}`);
    return entry === undefined ? undefined : (JSON.parse(entry.value) as SessionRecord);
  }

  /** Whether a client holds this pair in memory (received, not yet stored). */
  async heldBySomeClient(accessToken: string): Promise<boolean> {
    const records = await Promise.all(
      this.clients.map((c) => c.session(SESSION).catch(() => undefined)),
    );
    return records.some((r) => r?.tokens?.accessToken === accessToken);
  }

  advance(ms: number): void {
    this.clientNow += ms;
    this.server.now += ms;
  }

  /** Runs a client call, remembering a rejection; never throws itself. */
  async settle<T>(call: Promise<T>): Promise<PromiseSettledResult<T>> {
    const [result] = await Promise.allSettled([call]);
    if (result?.status === 'rejected') this.rejections.push(result.reason);
    return result as PromiseSettledResult<T>;
  }

  private tokens(answer: ReturnType<HhModel['exchange']>): TokenSet {
    if (answer === 'network_error') {
      throw new TransportError('network_error', 'the model dropped the request');
    }
    const tokens = parseTokenResponse(answer.status, answer.body, { now: this.clientNow });
    this.delivered.push({
      tokens,
      expiresAtClient: tokens.expiresAt ?? Number.POSITIVE_INFINITY,
    });
    return tokens;
  }

  private transport(): HttpTransport {
    return {
      exchangeCode: async ({ code, redirectUri }) =>
        this.tokens(this.server.exchange(code, redirectUri)),
      refreshTokens: async ({ refreshToken }) => {
        const send: RefreshSend = { refreshToken, clientNow: this.clientNow };
        this.sends.push(send);
        try {
          const tokens = this.tokens(this.server.refresh(refreshToken));
          send.outcome = 'ok';
          return tokens;
        } catch (error) {
          send.outcome = isHhOAuthError(error) ? error.code : 'foreign';
          throw error;
        }
      },
      invalidateToken: async ({ accessToken }) => {
        const answer = this.server.invalidate(accessToken);
        if (answer === 'network_error') {
          throw new TransportError('network_error', 'the model dropped the request');
        }
        if (answer.status >= 500) {
          throw new TransportError('server_error', `hh.ru answered ${answer.status}`, {
            status: answer.status,
          });
        }
        if (answer.status !== 204) throw parseApiError(answer.status, answer.body);
      },
      requestAppToken: async () => {
        throw new TransportError('network_error', 'the model has no application tokens');
      },
      api: async <T>(accessToken: string) => {
        const answer = this.server.api(accessToken);
        if (answer.status !== 200) {
          const error = parseApiError(answer.status, answer.body);
          if (error.code === 'token_expired') this.toldExpired.add(accessToken);
          throw error;
        }
        return JSON.parse(answer.body) as T;
      },
    };
  }
}
