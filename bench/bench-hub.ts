// A hub without workers and its HTTP app on a fresh bench database, for the benches that time
// routes in process through app.inject (inbox, opinion queries, open tickets). PostgreSQL only:
// their seeds are SQL a PGlite run would take minutes over.
import type { FastifyInstance } from "fastify";
import { channelModules } from "../connectors/index.ts";
import { buildApp } from "../src/build-app.ts";
import { loadConfig } from "../src/config.ts";
import { createHub, type Hub } from "../src/hub.ts";
import { createLogger } from "../src/logger.ts";
import { REDIS_URL, withBenchDatabase } from "./processes.ts";

export interface BenchHubOptions {
  /** What is measured, for the line printed when PostgreSQL is not there ("the inbox"). */
  what: string;
  /** The queue prefix's stem; a timestamp is added, so runs never share keys. */
  prefix: string;
  /** Settings beside the bench defaults (production, silent, no rate limit). */
  env?: Record<string, string>;
  /** Remove the hub's queues afterwards (a bench that filed jobs). */
  obliterateQueues?: boolean;
}

export async function withPostgresBenchHub(
  options: BenchHubOptions,
  run: (hub: Hub, app: FastifyInstance) => Promise<void>,
): Promise<void> {
  await withBenchDatabase(async (databaseUrl) => {
    if (!databaseUrl) {
      console.log(`(${options.what} is measured on PostgreSQL only)`);
      return;
    }
    const config = loadConfig(
      {
        NODE_ENV: "production",
        LOG_LEVEL: "silent",
        QUEUE_PREFIX: `${options.prefix}_${Date.now()}`,
        RATE_LIMIT: "off",
        ...options.env,
      },
      channelModules(),
    );
    const hub = await createHub({
      config,
      redisUrl: REDIS_URL,
      log: createLogger("silent"),
      database: { backend: "postgresql", url: databaseUrl },
    });
    const app = await buildApp(hub);
    try {
      await run(hub, app);
    } finally {
      await app.close();
      if (options.obliterateQueues) for (const queue of hub.queues.values()) await queue.obliterate({ force: true });
      await hub.close();
    }
  });
}
