// REDIS_URL for Redis behind Sentinel, in the form ioredis has no URL for:
//   redis+sentinel://[:password@]host1:26379,host2:26379,host3:26379/mymaster
// Every connection (producer, workers, subscribers) asks the sentinels for the current
// primary, and again after a failover, so a promoted replica is found without a restart.
import type { RedisOptions } from "ioredis";

const SCHEME = "redis+sentinel://";

export function isSentinelUrl(url: string): boolean {
  return url.startsWith(SCHEME);
}

/** The ioredis options of a redis+sentinel:// URL; throws on a malformed one. */
export function sentinelOptions(url: string): RedisOptions {
  const rest = url.slice(SCHEME.length);
  const at = rest.lastIndexOf("@");
  const auth = at < 0 ? "" : rest.slice(0, at);
  const [hosts = "", name = ""] = rest.slice(at + 1).split("/");
  const password = auth.includes(":") ? decodeURIComponent(auth.slice(auth.indexOf(":") + 1)) : undefined;
  const sentinels = hosts
    .split(",")
    .filter(Boolean)
    .map((hostPort) => {
      const colon = hostPort.lastIndexOf(":");
      const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
      const port = colon < 0 ? 26379 : Number(hostPort.slice(colon + 1));
      if (!host || !Number.isInteger(port)) throw new Error(`REDIS_URL: bad sentinel address "${hostPort}"`);
      return { host, port };
    });
  if (sentinels.length === 0 || !name) {
    throw new Error("REDIS_URL: redis+sentinel:// needs sentinel addresses and the primary's name (…/mymaster)");
  }
  return { sentinels, name, ...(password && { password }) };
}
