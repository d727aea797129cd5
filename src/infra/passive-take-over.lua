-- The safety net takes over the pushes that are due (PassiveReplies.takeOverDue).
-- KEYS: pending set, pending jobs.
-- ARGV: decision key prefix, decision key suffix, "later", decision ttl, lease (ms), limit.
-- For each push due: if it was answered now, drop it; else decide "later" unless decided,
-- lease it (due again after the lease, should the taker die before handing it on) and
-- return its key and job.
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local due = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now, "LIMIT", 0, tonumber(ARGV[6]))
local taken = {}
for _, key in ipairs(due) do
  local decisionKey = ARGV[1] .. key .. ARGV[2]
  local decided = redis.call("GET", decisionKey)
  local job = redis.call("HGET", KEYS[2], key)
  if (decided and decided ~= ARGV[3]) or not job then
    redis.call("ZREM", KEYS[1], key)
    redis.call("HDEL", KEYS[2], key)
  else
    if not decided then redis.call("SET", decisionKey, ARGV[3], "PX", ARGV[4]) end
    redis.call("ZADD", KEYS[1], now + tonumber(ARGV[5]), key)
    table.insert(taken, key)
    table.insert(taken, job)
  end
end
return taken
