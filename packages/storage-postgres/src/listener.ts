/**
 * The PostgreSQL store's wake-ups: the store's writes call `pg_notify(<channel>, key)` in the same
 * statement (delivered when it commits), and one connection per store LISTENs on the channel,
 * opened on the first `watch` and kept until `close()`. A lost connection loses wake-ups until
 * the next `watch` opens a new one; callers keep polling, slowly, as a fallback.
 *
 * @see https://www.postgresql.org/docs/current/sql-notify.html PostgreSQL: NOTIFY
 * @see https://www.postgresql.org/docs/current/sql-listen.html PostgreSQL: LISTEN
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A connection to LISTEN on, and how to give it back. */
export interface Listening {
  readonly client: Pick<pg.Client, 'query' | 'on' | 'removeListener'>;
  /** Gives the connection back; `broken` destroys it instead. */
  release(broken?: boolean): void;
}

export interface Listener {
  watch(key: string, onChange: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/** The notification channel of a table: short and fixed-length, as channel names are identifiers. */
export function channelFor(table: string): string {
  return `hh_oauth_${createHash('sha256').update(table).digest('hex').slice(0, 32)}`;
}

export function createListener(
  channel: string,
  connect: () => Promise<Listening>,
  bound: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
): Listener {
  const listeners = new Map<string, Set<() => void>>();
  let connection: Promise<Listening> | undefined;
  let closed = false;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== channel || message.payload === undefined) return;
    for (const listener of listeners.get(message.payload) ?? []) listener();
  };

  /** Stops hearing `listening`'s events, and gives it back once (destroyed when `broken`). */
  const detach = (listening: Listening, handlers: { lost: () => void }, broken: boolean) => {
    listening.client.removeListener('notification', onNotification);
    listening.client.removeListener('error', handlers.lost);
    listening.client.removeListener('end', handlers.lost);
    listening.release(broken);
  };
  let current: { listening: Listening; handlers: { lost: () => void } } | undefined;

  const open = (): Promise<Listening> => {
    connection ??= (async () => {
      const listening = await connect();
      const handlers = {
        lost: () => {
          if (current?.listening === listening) current = undefined;
          connection = undefined;
          detach(listening, handlers, true);
        },
      };
      listening.client.on('notification', onNotification);
      listening.client.on('error', handlers.lost);
      listening.client.on('end', handlers.lost);
      try {
        await listening.client.query(`LISTEN "${channel}"`);
      } catch (error) {
        handlers.lost();
        throw error;
      }
      if (closed) {
        handlers.lost();
        throw new Error('closed while listening');
      }
      current = { listening, handlers };
      return listening;
    })().catch((error: unknown) => {
      connection = undefined;
      throw error;
    });
    return connection;
  };

  return {
    async watch(key, onChange) {
      await bound('listening for wake-ups', open);
      let set = listeners.get(key);
      if (set === undefined) {
        set = new Set();
        listeners.set(key, set);
      }
      const listener = () => onChange();
      set.add(listener);
      const mine = set;
      return () => {
        mine.delete(listener);
        if (mine.size === 0 && listeners.get(key) === mine) listeners.delete(key);
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      await connection?.catch(() => undefined);
      connection = undefined;
      const open = current;
      current = undefined;
      if (open === undefined) return;
      // A connection that stops listening goes back to the pool as good as new.
      const unlistened = await bound('closing the wake-up connection', () =>
        open.listening.client.query(`UNLISTEN "${channel}"`),
      ).then(
        () => true,
        () => false,
      );
      detach(open.listening, open.handlers, !unlistened);
    },
  };
}
