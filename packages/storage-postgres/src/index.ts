/**
 * @hh-oauth/storage-postgres — a `TokenStore` on PostgreSQL, for hh-oauth clients spread over
 * processes and machines. Bring your `pg.Pool` (`{ pool }`) or a connection string.
 */
export type {
  PostgresConnectionOptions,
  PostgresPoolOptions,
  PostgresStoreOptions,
  PostgresTokenStore,
  Queryable,
} from './postgres-store.js';
export { createPostgresStore } from './postgres-store.js';
