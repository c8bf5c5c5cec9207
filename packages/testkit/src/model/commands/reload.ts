import { toRecord } from '@hh-oauth/core';
import { type SessionCommand, step } from './command.js';

/** The process restarts: a new actor from the stored record (through JSON and `fromRecord`). */
export class ReloadCommand implements SessionCommand {
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'Reload', () => {
      const stored = JSON.stringify(world.stored);
      world.restart();
      const again = JSON.stringify(toRecord(world.actor.getSnapshot()));
      if (again !== stored) throw new Error(`the record did not round-trip: ${stored} → ${again}`);
    });
  toString = () => 'Reload';
}
