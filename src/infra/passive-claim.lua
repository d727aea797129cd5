-- Claims a push (PassiveReplies.answer). One round trip; times are Redis's clock, shared by every process.
-- KEYS: claim, decision, pending set, pending jobs.
-- ARGV: claim ttl, decision ttl, decision to write, key, job, due in (ms).
-- An existing decision wins; else a live claim means another try is working; else
-- this try claims and records the push as pending — and, when it sheds, decides
-- "later" in the same step.
local decided = redis.call("GET", KEYS[2])
if decided then return {"decided", decided} end
if redis.call("SET", KEYS[1], "1", "PX", ARGV[1], "NX") == false then return {"taken"} end
local t = redis.call("TIME")
redis.call("ZADD", KEYS[3], t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[6]), ARGV[4])
redis.call("HSET", KEYS[4], ARGV[4], ARGV[5])
if ARGV[3] ~= "" then
  redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[2])
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return {"claimed"}
