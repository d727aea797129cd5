// ioredis connections for BullMQ. Producers fail fast when Redis is down (the outbox
// keeps the work); workers wait and reconnect, as BullMQ requires.
import { Redis, type RedisOptions } from "ioredis";
import { isSentinelUrl, sentinelOptions } from "./redis-sentinel-url.ts";

export type RedisRole = "producer" | "worker" | "probe";

export function connectRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  const common: RedisOptions = {
    ...options,
    lazyConnect: false,
    // Keep retrying forever, but not more often than every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  };
  // Behind Sentinel (docs/deploy.md#redis): the sentinels name the primary, also after a failover.
  const redis = isSentinelUrl(url) ? new Redis({ ...sentinelOptions(url), ...common }) : new Redis(url, common);
  // Connection errors are reported by readiness and by the relay; an unhandled
  // 'error' event must not crash the process.
  redis.on("error", () => undefined);
  return redis;
}
