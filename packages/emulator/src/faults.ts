import { EmulatorInputError } from './errors.js';

/**
 * Injected faults, each used `times` times by the requests it matches, first match first.
 *
 * - `latency`: wait `ms` (real milliseconds), then answer normally.
 * - `status`: answer `status` (default 503) with `body` (default a JSON server error in the
 *   endpoint's own shape: `{"error","error_description"}` on the token endpoint, `{"errors"}`
 *   elsewhere) without
 *   handling the request: nothing is consumed.
 * - `drop`: destroy the connection without an answer; nothing is consumed.
 * - `consume_then_fail`: handle the request (a refresh token or code IS consumed, a new pair IS
 *   issued), then throw the answer away: answer `status` (default 502) instead, or destroy the
 *   connection when `drop` is true. This is the failure that makes a client lose a session if
 *   it retries a refresh.
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'consume_then_fail';

export interface FaultSpec {
  kind: FaultKind;
  /** Exact request path, e.g. `/oauth/token`; absent: every path except `/__emulator/*`. */
  path?: string;
  /** HTTP method, e.g. `POST`; absent: any. */
  method?: string;
  /** How many matching requests it affects; default 1. */
  times?: number;
  /** `latency`: the delay in ms. */
  ms?: number;
  /** `status` / `consume_then_fail`: the status to answer. */
  status?: number;
  /** `status` / `consume_then_fail`: the body to answer. */
  body?: string;
  /** `consume_then_fail`: drop the connection instead of answering `status`. */
  drop?: boolean;
}

export interface Fault {
  readonly kind: FaultKind;
  readonly path: string | undefined;
  readonly method: string | undefined;
  readonly ms: number;
  readonly status: number;
  /** Undefined: the default body of the endpoint's own error shape. */
  readonly body: string | undefined;
  readonly drop: boolean;
  remaining: number;
}

const KINDS: readonly FaultKind[] = ['latency', 'status', 'drop', 'consume_then_fail'];
/** The API's error shape (`{"errors":[…]}`). */
export const DEFAULT_API_FAULT_BODY = JSON.stringify({
  errors: [{ type: 'server_error', value: 'injected' }],
});
/** The token endpoint's error shape (RFC 6749 §5.2). */
export const DEFAULT_TOKEN_FAULT_BODY = JSON.stringify({
  error: 'server_error',
  error_description: 'injected',
});

export function normalizeFault(spec: FaultSpec): Fault {
  if (!KINDS.includes(spec.kind)) {
    throw new EmulatorInputError(`fault kind must be one of ${KINDS.join(', ')}`);
  }
  for (const key of ['path', 'method', 'body'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') {
      throw new EmulatorInputError(`fault ${key} must be a string`);
    }
  }
  const times = spec.times ?? 1;
  if (!Number.isInteger(times) || times < 1 || times > 1_000_000) {
    throw new EmulatorInputError('fault times must be an integer from 1 to 1000000');
  }
  const ms = spec.ms ?? 0;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
    throw new EmulatorInputError('fault ms must be between 0 and 60000');
  }
  const status = spec.status ?? (spec.kind === 'status' ? 503 : 502);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new EmulatorInputError('fault status must be an HTTP status');
  }
  return {
    kind: spec.kind,
    path: spec.path,
    method: spec.method?.toUpperCase(),
    ms,
    status,
    body: spec.body,
    drop: spec.drop === true,
    remaining: times,
  };
}

/** A fault as the controls report it. */
export function describeFault(fault: Fault): Record<string, unknown> {
  return {
    kind: fault.kind,
    path: fault.path ?? null,
    method: fault.method ?? null,
    remaining: fault.remaining,
    ms: fault.ms,
    status: fault.status,
    drop: fault.drop,
  };
}

/** Takes one use of the first fault matching the request (removing it when used up), if any. */
export function takeFault(faults: Fault[], method: string, path: string): Fault | undefined {
  const index = faults.findIndex(
    (f) =>
      (f.path === undefined || f.path === path) && (f.method === undefined || f.method === method),
  );
  if (index < 0) return undefined;
  const fault = faults[index]!;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}
