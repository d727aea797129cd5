// `npm run worker`: queue workers in their own process, for production layouts
// where web and workers scale separately. Needs a shared database and Redis.
import { channelModules } from "../connectors/index.ts";
import { createHub, metricsOptions } from "./hub.ts";
import { closeOnSignals, exitOnStartupError } from "./infra/process-lifecycle.ts";
import { createLogger } from "./logger.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { startWorkers } from "./start-workers.ts";
import { buildMetricsServer } from "./http/metrics-server.ts";

async function main() {
  // Each channel parses its own section of the environment.
  const config = loadConfig(process.env, channelModules());
  // The embedded database and the private Redis live and die with `npm start` (on a port chosen at
  // each start); a separate worker must share servers that outlive any one process.
  if (!config.databaseUrl || !config.redisUrl) {
    throw new ConfigError(
      "npm run worker needs DATABASE_URL and REDIS_URL (a separate worker must share the web server's database and Redis).\n" +
        "  For a single machine, `npm start` runs the workers in-process instead (its private PostgreSQL and Redis are not shared).",
    );
  }
  const log = createLogger(config.logLevel);
  const hub = await createHub({ config, redisUrl: config.redisUrl, log });
  const workers = startWorkers(hub);
  hub.metrics.workers.observe(workers.list);
  // The worker's only HTTP port, when asked for: /metrics (docs/deploy.md#metrics).
  const metricsServer =
    config.metrics.port === undefined ? undefined : await buildMetricsServer(hub.log, metricsOptions(hub));
  closeOnSignals(log, config.shutdownTimeoutMs, [
    async () => metricsServer?.close(),
    () => workers.close(),
    () => hub.close(),
  ]);
  await metricsServer?.listen({ port: config.metrics.port, host: config.host });
  log.info({ metricsPort: config.metrics.port }, "workers running");
}

main().catch(exitOnStartupError);
