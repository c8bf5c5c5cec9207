/**
 * The machines' recent states, per session, as the client reports them through `onTransition`:
 * the token panel lists them and streams new ones to the browser (server-sent events).
 */
import type { HhOAuth, Transition } from '@hh-oauth/client';

/** How many transitions are kept per session (the demo's memory stays small). */
export const KEPT_TRANSITIONS = 30;
/** The client reports the application token's machine under this id. */
export const APP_TOKEN_ID = 'app';

export interface TransitionLog {
  /** Oldest first. */
  recent(sessionId: string): readonly Transition[];
  /** Calls `listener` for each new transition of `sessionId`; returns the unsubscribe function. */
  watch(sessionId: string, listener: (transition: Transition) => void): () => void;
  close(): void;
}

export function createTransitionLog(hh: HhOAuth): TransitionLog {
  const logs = new Map<string, Transition[]>();
  const watchers = new Map<string, Set<(transition: Transition) => void>>();
  const off = hh.onTransition((transition) => {
    const log = logs.get(transition.sessionId) ?? [];
    log.push(transition);
    if (log.length > KEPT_TRANSITIONS) log.splice(0, log.length - KEPT_TRANSITIONS);
    logs.set(transition.sessionId, log);
    for (const listener of watchers.get(transition.sessionId) ?? []) listener(transition);
  });
  return {
    recent: (sessionId) => logs.get(sessionId) ?? [],
    watch(sessionId, listener) {
      const set = watchers.get(sessionId) ?? new Set();
      set.add(listener);
      watchers.set(sessionId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) watchers.delete(sessionId);
      };
    },
    close() {
      off();
      watchers.clear();
    },
  };
}
