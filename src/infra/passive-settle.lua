-- The answers to these pushes are recorded: nothing is pending (PassiveReplies.settle).
-- KEYS: pending set, pending jobs. ARGV: keys.
for _, key in ipairs(ARGV) do
  redis.call("ZREM", KEYS[1], key)
  redis.call("HDEL", KEYS[2], key)
end
return 0
