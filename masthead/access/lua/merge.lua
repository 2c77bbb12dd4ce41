-- Add items (ARGV[2..]) to one meter set (KEYS[1]); ARGV[1] the seconds it may live.
-- Returns the set's size afterwards.
for i = 2, #ARGV do
  redis.call('SADD', KEYS[1], ARGV[i])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return redis.call('SCARD', KEYS[1])
