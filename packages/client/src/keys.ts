/** The store keys one client writes, all under its prefix (default `hh-oauth:`). */
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
    sessionLock: (id) => `${prefix}lock:session:${id}`,
    app: `${prefix}app:${clientId}`,
    appLock: `${prefix}lock:app:${clientId}`,
  };
}
