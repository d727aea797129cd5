-- Makes a push due for the safety net again, only while it is still pending.
-- KEYS: pending set. ARGV: key, due in (ms).
local t = redis.call("TIME")
return redis.call("ZADD", KEYS[1], "XX", t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[2]), ARGV[1])
