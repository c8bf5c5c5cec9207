import { type SessionCommand, step } from './command.js';

/** Time passes on both clocks. */
export class AdvanceClockCommand implements SessionCommand {
  constructor(readonly ms: number) {}
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'AdvanceClock', () => world.advance(this.ms));
  toString = () => `AdvanceClock(${this.ms})`;
}
