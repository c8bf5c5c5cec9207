/**
 * The Lua scripts behind the Redis store. Each touches exactly one key, so they run atomically on
 * one node and work on Redis Cluster as they are (see key-layout.ts: the key's hash tag decides
 * its slot). A script that changes an entry or releases a lock then PUBLISHes on the key's
 * channel (its last ARGV), so that waiting processes wake up instead of polling; the message is
 * empty, it only says "look again". An entry is one string, `<version>:<value>`, so
 * that a read is a single GET (the client's hot path); its TTL is the key's own (SET … PX), so
 * Redis itself makes an expired entry absent, and a SET without PX clears it.
 *
 * @see https://redis.io/docs/latest/develop/interact/programmability/eval-intro/ Redis: scripting with Lua
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/ Redis: the single-instance lock pattern
 */

/** KEYS[1] entry; ARGV value, expectedVersion, ttlMs ('' = none), channel. Returns the new version or nil. */
export const SET_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local expected = tonumber(ARGV[2])
if current == false then
  if expected ~= 0 then return false end
else
  local sep = string.find(current, ':', 1, true)
  if tonumber(string.sub(current, 1, sep - 1)) ~= expected then return false end
end
local version = expected + 1
local entry = tostring(version) .. ':' .. ARGV[1]
if ARGV[3] == '' then
  redis.call('SET', KEYS[1], entry)
else
  redis.call('SET', KEYS[1], entry, 'PX', ARGV[3])
end
redis.call('PUBLISH', ARGV[4], '')
return version
`;

/** KEYS[1] entry; ARGV expectedVersion ('' = any), channel. Returns 1 when deleted, else 0. */
export const DELETE_SCRIPT = `
if ARGV[1] ~= '' then
  local current = redis.call('GET', KEYS[1])
  if current == false then return 0 end
  local sep = string.find(current, ':', 1, true)
  if tonumber(string.sub(current, 1, sep - 1)) ~= tonumber(ARGV[1]) then return 0 end
end
local deleted = redis.call('DEL', KEYS[1])
if deleted == 1 then redis.call('PUBLISH', ARGV[2], '') end
return deleted
`;

/** KEYS[1] entry; ARGV channel. Returns the value and deletes the entry, or nil. */
export const TAKE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false then return false end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], '')
local sep = string.find(current, ':', 1, true)
return string.sub(current, sep + 1)
`;

/** KEYS[1] lock; ARGV owner, channel. Deletes the lock only if owner holds it; returns 1 or 0. */
export const UNLOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], '')
  return 1
end
return 0
`;

/**
 * KEYS[1] lock; ARGV owner, ttlMs. Resets the lock's TTL only if owner holds it; returns 1 or 0.
 * An expired lock is gone from Redis, so it cannot be extended.
 */
export const EXTEND_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;
