/**
 * @hh-oauth/storage-redis — a `TokenStore` on Redis, for hh-oauth clients spread over processes
 * and machines. Bring your ioredis client (`{ client }`) or a URL (`{ url }`).
 */
export type { RedisClientOptions, RedisStoreOptions, RedisUrlOptions } from './redis-store.js';
export { createRedisStore } from './redis-store.js';
