// One process's metrics: prom-client's default process metrics (CPU, memory, heap, GC,
// event-loop delay as nodejs_eventloop_lag_*), HTTP requests, queue depths and worker
// outcomes, the database's figures, and what the opinion monitor holds in memory. A registry of its own, not prom-client's global one,
// so two hubs in one process (tests) never share a series.
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Database } from "../db/database.ts";
import { registerDatabaseFigures } from "./database-metrics.ts";
import { HttpMetrics } from "./http-metrics.ts";
import { OpinionMonitorMetrics } from "./opinion-monitor-metrics.ts";
import { type CountedQueue, registerQueueDepths } from "./queue-metrics.ts";
import { registerSourceUp } from "./source-gauge.ts";
import { WorkerMetrics } from "./worker-metrics.ts";

export interface HubMetricsSources {
  queues: ReadonlyMap<string, CountedQueue>;
  db: Pick<Database, "sql" | "pool">;
  /** How long a scrape waits for Redis and for the database (METRICS_SCRAPE_TIMEOUT_MS). */
  scrapeTimeoutMs: number;
}

export interface HubMetrics {
  registry: Registry;
  http: HttpMetrics;
  workers: WorkerMetrics;
  opinionMonitor: OpinionMonitorMetrics;
}

export function createHubMetrics({ queues, db, scrapeTimeoutMs }: HubMetricsSources): HubMetrics {
  const registry = new Registry();
  // Event-loop delay sampled every 10 ms (the default); p50/p90/p99 and max per scrape.
  collectDefaultMetrics({ register: registry });
  registerSourceUp(registry, [
    registerQueueDepths(registry, queues, scrapeTimeoutMs),
    registerDatabaseFigures(registry, db, scrapeTimeoutMs),
  ]);
  return {
    registry,
    http: new HttpMetrics(registry),
    workers: new WorkerMetrics(registry),
    opinionMonitor: new OpinionMonitorMetrics(registry),
  };
}
