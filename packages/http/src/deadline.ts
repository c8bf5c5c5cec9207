import { TransportError } from '@hh-oauth/core';

/** The caller aborted; `sent: false` when it did so before anything started. */
export function aborted(what: string, beforeSending = false): TransportError {
  return new TransportError('network_error', `${what} was aborted`, {
    recovery: 'none',
    ...(beforeSending ? { sent: false as const } : {}),
  });
}

/** How a deadline ends a try that is still running. */
export type Cutoff =
  /** Settle the call and abort the request: fetch drops the connection, a body being read stops. */
  | 'abort'
  /** Settle the call only: the request runs on until it ends by itself or by the runtime's limits. */
  | 'settle';

/** One pending deadline: what to reject and abort when it falls due. */
interface Pending {
  readonly at: number;
  readonly what: string;
  readonly reject: (error: unknown) => void;
  readonly controller: AbortController | undefined;
  prev: Pending | undefined;
  next: Pending | undefined;
  done: boolean;
}

/**
 * The pending deadlines of one duration (`ms`): they fall due in the order they were set, so a
 * list in that order and one timer, armed for its head, serve them all. Adding and removing are
 * O(1) and allocate one entry: under load, cheaper than a timer per try. The timer is cleared
 * when the list empties, so nothing is left armed once no call is running.
 */
export class Deadlines {
  private head: Pending | undefined;
  private tail: Pending | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly ms: number) {}

  add(what: string, reject: (error: unknown) => void, controller?: AbortController): Pending {
    const entry: Pending = {
      at: performance.now() + this.ms,
      what,
      reject,
      controller,
      prev: this.tail,
      next: undefined,
      done: false,
    };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    if (this.timer === undefined) this.timer = setTimeout(this.expire, this.ms);
    return entry;
  }

  remove(entry: Pending): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    if (this.head === undefined && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private readonly expire = () => {
    this.timer = undefined;
    const now = performance.now();
    for (let entry = this.head; entry !== undefined && entry.at <= now; entry = this.head) {
      this.remove(entry);
      entry.reject(new TransportError('timeout', `${entry.what} timed out after ${this.ms} ms`));
      entry.controller?.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    }
    if (this.head !== undefined && this.timer === undefined) {
      this.timer = setTimeout(this.expire, Math.max(0, this.head.at - now));
    }
  };
}

/**
 * Runs one try under a deadline: `deadlines.ms` after the start the returned promise rejects with
 * `timeout`, whether or not `work` ever settles (a fetch that ignores its signal, a library that
 * waits on a stream nobody reads). The caller's abort settles it at once the same way.
 *
 * With `cutoff: 'abort'`, `work` also gets a signal that aborts at the deadline (or on the
 * caller's abort). With `'settle'` it gets the caller's signal as it is, or none: handing fetch a
 * signal to follow has a price on every call (see `api-call.ts`), worth paying once tries do
 * run out of time. No `AbortSignal.timeout` (a weak timer to finalize per call) and no
 * `AbortSignal.any`: the caller's abort is passed on by hand.
 */
export function withDeadline<T>(
  deadlines: Deadlines,
  caller: AbortSignal | undefined,
  what: string,
  work: (signal: AbortSignal | undefined) => Promise<T>,
  cutoff: Cutoff = 'abort',
): Promise<T> {
  if (caller?.aborted) return Promise.reject(aborted(what, true));
  const controller = cutoff === 'abort' ? new AbortController() : undefined;
  return new Promise<T>((resolve, reject) => {
    const pending = deadlines.add(what, reject, controller);
    let onAbort: (() => void) | undefined;
    if (caller) {
      onAbort = () => {
        deadlines.remove(pending);
        reject(aborted(what));
        controller?.abort(caller.reason);
      };
      caller.addEventListener('abort', onAbort, { once: true });
    }
    work(controller ? controller.signal : caller).then(
      (value) => {
        deadlines.remove(pending);
        if (onAbort) caller?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        deadlines.remove(pending);
        if (onAbort) caller?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits between tries; the caller's abort ends the wait with a typed error. */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(what));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
