// A TokenStore wrapper for fault tests: each operation can be made to fail (as a store blip does)
// or to wait at a gate (as a paused process does), while everything else reaches the real store.
import { StorageError, type TokenStore } from '@hh-oauth/storage';

type Operation = 'get' | 'set' | 'delete' | 'take' | 'tryLock' | 'extendLock' | 'unlock';

/** Runs before the real operation: throw to fail it, await to hold it. */
export type Hook = (...args: unknown[]) => void | Promise<void>;

export interface FaultStore extends TokenStore {
  /** Sets (or clears, with undefined) the hook of one operation. */
  on(operation: Operation, hook: Hook | undefined): void;
  /** How many times each operation was called. */
  readonly calls: Record<Operation, number>;
}

/** The failure a store reports when its backend is unreachable (retry_later). */
export const blip = () => new StorageError('faulty', 'backend', 'the backend is unreachable');

export function faultStore(inner: TokenStore): FaultStore {
  const hooks = new Map<Operation, Hook>();
  const calls: Record<Operation, number> = {
    get: 0,
    set: 0,
    delete: 0,
    take: 0,
    tryLock: 0,
    extendLock: 0,
    unlock: 0,
  };
  const through =
    <A extends unknown[], R>(operation: Operation, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls[operation] += 1;
      await hooks.get(operation)?.(...args);
      return run(...args);
    };
  return {
    name: inner.name,
    calls,
    on(operation, hook) {
      if (hook === undefined) hooks.delete(operation);
      else hooks.set(operation, hook);
    },
    get: through('get', (key: string) => inner.get(key)),
    set: through('set', (key: string, value: string, options: Parameters<TokenStore['set']>[2]) =>
      inner.set(key, value, options),
    ),
    delete: through('delete', (key: string, options?: Parameters<TokenStore['delete']>[1]) =>
      inner.delete(key, options),
    ),
    take: through('take', (key: string) => inner.take(key)),
    tryLock: through('tryLock', (key: string, options: { readonly ttlMs: number }) =>
      inner.tryLock(key, options),
    ),
    extendLock: through(
      'extendLock',
      (key: string, owner: string, options: { readonly ttlMs: number }) =>
        inner.extendLock(key, owner, options),
    ),
    unlock: through('unlock', (key: string, owner: string) => inner.unlock(key, owner)),
    close: () => inner.close(),
  };
}
