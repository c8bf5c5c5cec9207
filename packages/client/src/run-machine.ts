/**
 * Runs one of the core machines from a stored record through a list of events, with the effects
 * the caller provides, and reports each state it enters. The machine decides; this only drives.
 */
import { type ErrorCode, isSettled } from '@hh-oauth/core';
import { type AnyStateMachine, createActor, type SnapshotFrom, waitFor } from 'xstate';

export interface Observed {
  readonly state: string;
  readonly cause?: ErrorCode;
}

export async function runMachine<M extends AnyStateMachine>(
  machine: M,
  input: unknown,
  events: readonly { readonly type: string }[],
  observe?: (observed: Observed) => void,
): Promise<SnapshotFrom<M>> {
  const actor = createActor(machine, { input } as never);
  if (observe) {
    let last: unknown;
    actor.subscribe((snapshot: { value: unknown; context: { error?: { code: ErrorCode } } }) => {
      if (snapshot.value === last) return;
      last = snapshot.value;
      const cause = snapshot.context.error?.code;
      observe(
        cause === undefined
          ? { state: String(snapshot.value) }
          : { state: String(snapshot.value), cause },
      );
    });
  }
  actor.start();
  try {
    for (const event of events) {
      actor.send(event as never);
      await waitFor(actor, isSettled);
    }
    return actor.getSnapshot() as SnapshotFrom<M>;
  } finally {
    actor.stop();
  }
}
