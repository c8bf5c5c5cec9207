/**
 * Where the Redis store puts things. For a store key `K` and the store's `keyPrefix` `P`:
 *
 * | what                          | Redis name      |
 * | ----------------------------- | --------------- |
 * | the entry (`<version>:<value>`) | `P` `data{K}`   |
 * | the lock (its owner token)    | `P` `lock{K}`   |
 * | the wake-up channel           | `P` `changed{K}` |
 *
 * `{K}` is a Redis Cluster hash tag: Redis Cluster hashes only what is between the first `{` and
 * the next `}`, so an entry, its lock and its channel live in one slot (and move together when
 * slots move). `@hh-oauth/client` locks a record under the record's own key, so a session's
 * record and its refresh lock share a slot too.
 *
 * The layout is collision-free: `P` may not contain `{` or `}`, so the first `{` ends `P` and the
 * word before it, and `K` is everything between that `{` and the last `}`. Two different
 * (prefix, kind, key) triples never name the same Redis key, whatever characters `K` holds.
 * (A key that itself starts with `}` gets an empty tag, which Redis ignores: its entry and lock
 * may then sit in different slots. Every script still touches one key only, so this is safe, just
 * not co-located.)
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags Redis Cluster: hash tags
 */
import { StorageError } from '@hh-oauth/storage/adapter';

export interface KeyLayout {
  data(key: string): string;
  lock(key: string): string;
  channel(key: string): string;
}

/** The layout under `keyPrefix`; throws `invalid_argument` for a prefix with `{` or `}`. */
export function keyLayout(store: string, keyPrefix: unknown): KeyLayout {
  if (typeof keyPrefix !== 'string') {
    throw new StorageError(store, 'invalid_argument', 'keyPrefix must be a string');
  }
  if (keyPrefix.includes('{') || keyPrefix.includes('}')) {
    throw new StorageError(
      store,
      'invalid_argument',
      'keyPrefix must not contain { or }: the store adds the Redis Cluster hash tag itself',
    );
  }
  const data = `${keyPrefix}data{`;
  const lock = `${keyPrefix}lock{`;
  const channel = `${keyPrefix}changed{`;
  return {
    data: (key) => `${data}${key}}`,
    lock: (key) => `${lock}${key}}`,
    channel: (key) => `${channel}${key}}`,
  };
}
