/**
 * A gate a test opens by hand: code under test awaits `passed` (through a fake or wrapped
 * transport, say), the test awaits `reached` to know it got there, looks at the world, then calls
 * `open()`. Ordering by gates, never by sleeps.
 */
export interface Gate {
  /** Resolves once something called `wait()`. */
  readonly reached: Promise<void>;
  /** Called by the code under test: marks the gate reached and waits until it is opened. */
  wait(): Promise<void>;
  open(): void;
}

export function createGate(): Gate {
  let markReached!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => {
    markReached = resolve;
  });
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    reached,
    wait() {
      markReached();
      return opened;
    },
    open,
  };
}
