/**
 * Deadlines for the hot path's reads with one timer per store instead of one per call. Every
 * call of a store has the same `timeoutMs`, so deadlines come in the order calls start: the
 * calls in flight are kept in insertion order, and the one timer is set for the oldest. A call
 * that settles leaves the set (O(1)); when the timer fires, every call past its deadline is
 * expired and the timer is set for the next. Each call still settles within `timeoutMs`.
 */

export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
}

export interface Deadlines {
  /** Starts tracking a call; `expire` runs once `timeoutMs` passed without `settle`. */
  track(expire: () => void): Deadline;
  /** Stops tracking; false when the call had expired already (its caller was told so). */
  settle(deadline: Deadline): boolean;
}

export function createDeadlines(timeoutMs: number): Deadlines {
  const pending = new Set<Deadline>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (): void => {
    if (timer !== undefined) return;
    const first: Deadline | undefined = pending.values().next().value;
    if (first === undefined) return;
    timer = setTimeout(fire, Math.max(0, first.at - Date.now()));
    // The call's own socket keeps the process alive while it waits, not this timer.
    (timer as { unref?: () => void }).unref?.();
  };
  const fire = (): void => {
    timer = undefined;
    const now = Date.now();
    for (const deadline of pending) {
      if (deadline.at > now) break;
      pending.delete(deadline);
      deadline.expire();
    }
    arm();
  };

  return {
    track(expire) {
      const deadline = { at: Date.now() + timeoutMs, expire };
      pending.add(deadline);
      arm();
      return deadline;
    },
    settle: (deadline) => pending.delete(deadline),
  };
}
