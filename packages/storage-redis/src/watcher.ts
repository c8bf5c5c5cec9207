/**
 * The Redis store's wake-ups: one subscriber connection per store (opened on the first `watch`,
 * a `duplicate()` of the store's client, so it reaches the same server, Sentinel set or Cluster),
 * subscribed to the channel of each watched key while someone watches it. The store's scripts
 * PUBLISH on a key's channel when they change its entry or release its lock.
 *
 * Pub/sub is at-most-once: a message sent while the subscriber reconnects (a failover, a
 * resharding, a blip) is lost. Callers therefore keep polling, slowly, as a fallback.
 *
 * @see https://redis.io/docs/latest/develop/interact/pubsub/ Redis: pub/sub delivery semantics
 */
import type { Cluster, Redis } from 'ioredis';

export interface Watcher {
  watch(channel: string, onChange: () => void): Promise<() => void>;
  close(): void;
}

interface Channel {
  readonly listeners: Set<() => void>;
  /** Settles once the SUBSCRIBE was answered. */
  ready: Promise<unknown>;
}

/** A watcher over subscriptions of `duplicate()`s of `client`; `bound` puts a deadline on a wait. */
export function createWatcher(
  client: Redis | Cluster,
  bound: <T>(doing: string, work: () => Promise<T>) => Promise<T>,
): Watcher {
  let subscriber: Redis | Cluster | undefined;
  const channels = new Map<string, Channel>();

  const connection = (): Redis | Cluster => {
    if (subscriber !== undefined) return subscriber;
    // Both Redis and Cluster have duplicate(); their signatures differ, their use here does not.
    const opened = (client as Redis).duplicate() as Redis | Cluster;
    // Failures show up as lost wake-ups, covered by the callers' polling; without a listener
    // ioredis would also log them.
    opened.on('error', () => undefined);
    opened.on('message', (name: string) => {
      for (const listener of channels.get(name)?.listeners ?? []) listener();
    });
    subscriber = opened;
    return opened;
  };

  return {
    async watch(name, onChange) {
      const sub = connection();
      let channel = channels.get(name);
      if (channel === undefined) {
        const created: Channel = { listeners: new Set(), ready: Promise.resolve() };
        created.ready = sub.subscribe(name);
        channel = created;
        channels.set(name, created);
      }
      const listener = () => onChange();
      channel.listeners.add(listener);
      const current = channel;
      const stop = () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && channels.get(name) === current) {
          channels.delete(name);
          // ioredis keeps the order of commands: a later SUBSCRIBE of this channel comes after.
          sub.unsubscribe(name).catch(() => undefined);
        }
      };
      try {
        await bound('subscribing to wake-ups', () => current.ready);
      } catch (error) {
        stop();
        throw error;
      }
      return stop;
    },
    close() {
      channels.clear();
      subscriber?.disconnect();
      subscriber = undefined;
    },
  };
}
