/**
 * The Lua scripts behind the Redis store. Each touches exactly one key, so they run atomically on
 * one node and work on Redis Cluster as they are. An entry is a hash { v: value, n: version };
 * its TTL is the key's own (PEXPIRE), so Redis itself makes an expired entry absent.
 *
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/ Redis: scripting with Lua
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/ Redis: the single-instance lock pattern
 */

/** KEYS[1] entry; ARGV value, expectedVersion, ttlMs ('' = none). Returns the new version or nil. */
export const SET_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'n')
local expected = tonumber(ARGV[2])
if current == false then
  if expected ~= 0 then return false end
elseif tonumber(current) ~= expected then
  return false
end
local version = expected + 1
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'n', tostring(version))
if ARGV[3] == '' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return version
`;

/** KEYS[1] entry; ARGV expectedVersion ('' = any). Returns 1 when deleted, else 0. */
export const DELETE_SCRIPT = `
if ARGV[1] ~= '' then
  local current = redis.call('HGET', KEYS[1], 'n')
  if current == false or tonumber(current) ~= tonumber(ARGV[1]) then return 0 end
end
return redis.call('DEL', KEYS[1])
`;

/** KEYS[1] entry. Returns the value and deletes the entry, or nil. */
export const TAKE_SCRIPT = `
local value = redis.call('HGET', KEYS[1], 'v')
if value == false then return false end
redis.call('DEL', KEYS[1])
return value
`;

/** KEYS[1] lock; ARGV owner. Deletes the lock only if owner holds it; returns 1 or 0. */
export const UNLOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;
