// `npm start`: everything in one process — web server, queue workers, and a private
// Redis when REDIS_URL is not set. Without DATABASE_URL the database is a private PostgreSQL
// server under DATA_DIR (or PGlite), started and stopped with the hub (src/db/embedded-postgres.ts).
import path from "node:path";
import { channelModules } from "../connectors/index.ts";
import { loadConfig } from "./config.ts";
import { createHub, metricsOptions } from "./hub.ts";
import { buildApp } from "./build-app.ts";
import { buildMetricsServer } from "./http/metrics-server.ts";
import { startPrivateRedis } from "./infra/private-redis.ts";
import { closeOnSignals, type Closer, exitOnStartupError } from "./infra/process-lifecycle.ts";
import { createLogger } from "./logger.ts";
import { startWorkers } from "./start-workers.ts";

async function main() {
  // Each channel parses its own section of the environment.
  const config = loadConfig(process.env, channelModules());
  const log = createLogger(config.logLevel);

  let redisUrl = config.redisUrl;
  const closers: Closer[] = [];
  if (!redisUrl) {
    log.info("REDIS_URL not set: starting a private redis-server");
    const redis = await startPrivateRedis({ dataDir: path.join(config.dataDir, "redis") });
    redisUrl = redis.url;
    closers.push(() => redis.stop());
  }

  const hub = await createHub({ config, redisUrl, log });
  const app = await buildApp(hub);
  const workers = config.workersInProcess ? startWorkers(hub) : undefined;
  if (workers) hub.metrics.workers.observe(workers.list);
  const metricsServer =
    config.metrics.port === undefined ? undefined : await buildMetricsServer(hub.log, metricsOptions(hub));

  // Order matters: stop taking requests, let workers finish their jobs, then close queues, DB and Redis.
  closers.unshift(
    async () => metricsServer?.close(),
    () => app.close(),
    async () => workers?.close(),
    () => hub.close(),
  );
  closeOnSignals(log, config.shutdownTimeoutMs, closers);

  const address = await app.listen({ port: config.port, host: config.host });
  await metricsServer?.listen({ port: config.metrics.port, host: config.host });
  const shown = address.replace("127.0.0.1", "localhost");
  console.log(
    `\n政务服务智能助手已启动 / The hub is running:\n  web chat  ${shown}/\n  health    ${shown}/readyz\n` +
      `  database  ${hub.db.backend}${hub.db.location ? ` (${hub.db.location})` : ""}\n` +
      `  workers   ${workers ? "in this process" : "separate (npm run worker)"}\nPress Ctrl+C to stop.\n`,
  );
}

main().catch(exitOnStartupError);
