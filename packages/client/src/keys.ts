/**
 * The store keys one client writes, all under its prefix (default `hh-oauth:`). A record's lock
 * has the record's own key (every store keeps locks apart from entries), so that a store that
 * places keys by name — Redis Cluster's hash slots — keeps a record and its lock together.
 */
export interface Keys {
  session(sessionId: string): string;
  pending(state: string): string;
  sessionLock(sessionId: string): string;
  readonly app: string;
  readonly appLock: string;
}

export function keysFor(prefix: string, clientId: string): Keys {
  return {
    session: (id) => `${prefix}session:${id}`,
    pending: (state) => `${prefix}pending:${state}`,
    sessionLock: (id) => `${prefix}session:${id}`,
    app: `${prefix}app:${clientId}`,
    appLock: `${prefix}app:${clientId}`,
  };
}
