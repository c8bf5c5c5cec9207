/**
 * The PostgreSQL store's tables and its idempotent migration.
 *
 * `<table>`: key text primary key, value text, version bigint, expires_at timestamptz (null = never).
 * `<table>_locks`: key text primary key, owner text, expires_at timestamptz.
 */

/** A table name: an optional schema and a name, lower-case SQL identifiers (no quoting games). */
const TABLE_NAME = /^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,55}$/;

export function isTableName(name: string): boolean {
  return TABLE_NAME.test(name);
}

/** `schema.table` → `"schema"."table"`. Only called on names `isTableName` accepted. */
export function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/**
 * One simple-protocol query, so PostgreSQL runs it as one implicit transaction: the advisory lock
 * (released at commit) makes processes that start at once create the tables one after another, as
 * concurrent `CREATE TABLE IF NOT EXISTS` alone can fail on the catalog's unique index.
 *
 * @see https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS PostgreSQL: advisory locks
 */
export function migrationSql(table: string): string {
  const entries = quoteName(table);
  const locks = quoteName(`${table}_locks`);
  return `
SELECT pg_advisory_xact_lock(hashtext('hh-oauth-storage-postgres'), hashtext('${table}'));
CREATE TABLE IF NOT EXISTS ${entries} (
  key text PRIMARY KEY,
  value text NOT NULL,
  version bigint NOT NULL CHECK (version > 0),
  expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS ${quoteName(`${table}_expires_at`.replace(/^.*\./, ''))}
  ON ${entries} (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${locks} (
  key text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);`;
}
