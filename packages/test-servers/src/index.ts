/**
 * @hh-oauth/test-servers (private, not published) — throwaway real servers for tests: `redis-server` and PostgreSQL
 * on free 127.0.0.1 ports in temp folders, stopped by `stop()`. They fail loudly, with what to
 * install, when the binaries are missing. Used by the Redis and PostgreSQL stores' tests and by
 * `@hh-oauth/client`'s cross-process tests; Node only.
 */

export type { Settled } from './fault-probe.js';
export {
  clientCalls,
  leaksProbeSecret,
  PROBE_KEY,
  PROBE_SECRET,
  settle,
} from './fault-probe.js';
export type { PostgresTestServer, PostgresTestServerOptions } from './postgres-server.js';
export { startPostgresServer } from './postgres-server.js';
export type {
  ClusterNode,
  ClusterNodeState,
  RedisTestCluster,
  RedisTestClusterOptions,
} from './redis-cluster.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisTestSentinel } from './redis-sentinel.js';
export { startRedisSentinel } from './redis-sentinel.js';
export type { RedisTestServer, RedisTestServerOptions } from './redis-server.js';
export { startRedisServer } from './redis-server.js';
