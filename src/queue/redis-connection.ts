// ioredis connections for BullMQ. Producers fail fast when Redis is down (the outbox
// keeps the work); workers wait and reconnect, as BullMQ requires.
import { Redis, type RedisOptions } from "ioredis";

export type RedisRole = "producer" | "worker" | "probe";

export function connectRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const redis = new Redis(url, {
    ...options,
    lazyConnect: false,
    // Keep retrying forever, but not more often than every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  });
  // Connection errors are reported by readiness and by the relay; an unhandled
  // 'error' event must not crash the process.
  redis.on("error", () => undefined);
  return redis;
}
