/** Applies injected faults (see `../faults.ts`) to every request outside `/__emulator`. */
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_API_FAULT_BODY, DEFAULT_TOKEN_FAULT_BODY, type Fault } from '../faults.js';
import type { EmulatorState } from '../state.js';

export const CONTROL_PREFIX = '/__emulator';

/** Destroys the request's socket: the client sees the connection close with no answer. */
export function drop(c: Context): Response {
  const env = c.env as Partial<HttpBindings> | undefined;
  env?.incoming?.socket.destroy();
  return new Response(null, { status: 500 });
}

/** The fault's answer; without a body of its own, a server error in the endpoint's shape. */
export const failure = (fault: Fault, tokenShape = false): Response =>
  new Response(fault.body ?? (tokenShape ? DEFAULT_TOKEN_FAULT_BODY : DEFAULT_API_FAULT_BODY), {
    status: fault.status,
    headers: tokenShape
      ? {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          'access-control-allow-origin': '*',
        }
      : { 'content-type': 'application/json; charset=utf-8' },
  });

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Faults for every path but the controls and the token endpoint's POSTs (the token handler
 * applies its own, after counting the request in the stats).
 */
export function faultMiddleware(
  state: EmulatorState,
  skip: (c: Context) => boolean,
): MiddlewareHandler {
  return async (c, next) => {
    if (state.faults.length === 0 || c.req.path.startsWith(CONTROL_PREFIX) || skip(c))
      return next();
    const fault = state.takeFault(c.req.method, c.req.path);
    if (!fault) return next();
    switch (fault.kind) {
      case 'latency':
        await delay(fault.ms);
        return next();
      case 'status':
        return failure(fault);
      case 'drop':
        return drop(c);
      case 'consume_then_fail':
        await next();
        c.res = fault.drop ? drop(c) : failure(fault);
        return;
    }
  };
}
