import type { Fault } from '../hh-model.js';
import { type SessionCommand, step } from './command.js';

/** The next request to hh.ru meets a transient fault. */
export class InjectFaultCommand implements SessionCommand {
  constructor(readonly fault: Fault) {}
  check = () => true;
  run = (world: Parameters<SessionCommand['run']>[0]) =>
    step(world, 'InjectFault', () => world.server.inject(this.fault));
  toString = () => `InjectFault(${this.fault})`;
}
