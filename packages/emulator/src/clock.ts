/**
 * The emulator's clock: real time keeps flowing, plus an offset that tests move forward with
 * `advance()` (or `POST /__emulator/clock`). Every TTL in the emulator is measured on this clock,
 * so tests can expire codes and tokens without sleeping.
 */
export interface Clock {
  /** The simulated time, in ms since the epoch. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value) by `seconds`. */
  advance(seconds: number): number;
  /** Sets the simulated time to `ms`; real time keeps flowing from there. */
  set(ms: number): number;
  /** Back to the starting offset. */
  reset(): void;
}

export function createClock(start?: number, realNow: () => number = Date.now): Clock {
  const initialOffset = start === undefined ? 0 : start - realNow();
  let offset = initialOffset;
  const now = () => realNow() + offset;
  return {
    now,
    advance(seconds) {
      offset += Math.round(seconds * 1000);
      return now();
    },
    set(ms) {
      offset = ms - realNow();
      return now();
    },
    reset() {
      offset = initialOffset;
    },
  };
}
