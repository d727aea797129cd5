-- Decides how a push is answered (PassiveReplies.decide).
-- KEYS: claim, decision, pending set, pending jobs.
-- ARGV: claim ttl, decision ttl, decision wanted, key, due in (ms) if "later".
-- Writes the decision unless one exists, and returns the one that holds. "now" settles
-- the push (it is no longer pending). "later" leaves it pending until its answer is
-- recorded, due for the safety net no sooner than the given time from now — never
-- sooner than it already was, so a waiting try that gives up does not hurry the
-- safety net past a claimant still at work.
local decided = redis.call("GET", KEYS[2])
if not decided then
  redis.call("SET", KEYS[2], ARGV[3], "PX", ARGV[2])
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  decided = ARGV[3]
  if ARGV[5] == "" then
    redis.call("ZREM", KEYS[3], ARGV[4])
    redis.call("HDEL", KEYS[4], ARGV[4])
  end
end
if ARGV[5] ~= "" and decided == ARGV[3] then
  local t = redis.call("TIME")
  redis.call("ZADD", KEYS[3], "XX", "GT", t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[5]), ARGV[4])
end
return decided
