-- One reader's meter for one period: a set of the article ids counted.
-- KEYS[1]  the set, named with a hash tag {reader:period} (Redis Cluster safe)
-- ARGV[1]  the article id, ARGV[2] the limit, ARGV[3] seconds the key may live
-- Returns {allowed, counted_now, already_counted, used}
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then
  return {1, 0, 1, redis.call('SCARD', KEYS[1])}
end
local used = redis.call('SCARD', KEYS[1])
if used >= tonumber(ARGV[2]) then
  return {0, 0, 0, used}
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, 1, 0, used + 1}
