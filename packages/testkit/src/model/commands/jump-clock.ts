import { type SessionCommand, step } from './command.js';

/** The caller's clock jumps (NTP step, VM pause): the skew against hh.ru changes. */
export class JumpClockCommand implements SessionCommand {
  constructor(readonly ms: number) {}
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'JumpClock', () => world.jump(this.ms));
  toString = () => `JumpClock(${this.ms})`;
}
