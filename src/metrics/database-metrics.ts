// Figures read from the database at scrape time, in one round trip: the outbox backlog (rows
// not yet handed to Redis, per queue, and the age of the oldest — the first sign of a relay
// that cannot reach Redis) and the open opinion alerts by level. And the driver pool's
// connections, which cost nothing to read (PostgreSQL only; PGlite has no pool).
import { Gauge, type Registry } from "prom-client";
import type { Database } from "../db/database.ts";
import { type SourceReader, sourceReader } from "./source-gauge.ts";

interface Figures {
  outbox: { queue: string; backlog: number; oldest_seconds: number }[];
  alerts: { level: string; open: number }[];
}

// Both indexed: OutboxEntry (deliveredAt, createdAt), OpinionAlert (status, detectedAt).
// Ages are taken in the database (timestamps are UTC without a zone), so the app's clock and TZ do not matter.
const FIGURES_SQL = `
  SELECT
    (SELECT coalesce(json_agg(o), '[]'::json) FROM (
      SELECT "queue", count(*)::int AS backlog,
             EXTRACT(EPOCH FROM ((now() AT TIME ZONE 'UTC') - min("createdAt")))::float8 AS oldest_seconds
      FROM "OutboxEntry" WHERE "deliveredAt" IS NULL GROUP BY "queue") o) AS outbox,
    (SELECT coalesce(json_agg(a), '[]'::json) FROM (
      SELECT "level", count(*)::int AS open FROM "OpinionAlert" WHERE "status" = 'open' GROUP BY "level") a) AS alerts`;

export function registerDatabaseFigures(
  registry: Registry,
  db: Pick<Database, "sql" | "pool">,
  timeoutMs: number,
): SourceReader<unknown> {
  const figures = sourceReader(
    "database",
    async () => (await db.sql.query<Record<string, unknown> & Figures>(FIGURES_SQL))[0]!,
    timeoutMs,
  );
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, f: Figures) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const read = await figures.read();
        this.reset();
        if (read) fill(this, read);
      },
    });
  gauge("hub_outbox_backlog", "Outbox rows not yet handed to the queue, per queue", ["queue"], (g, f) => {
    for (const row of f.outbox) g.set({ queue: row.queue }, row.backlog);
  });
  gauge(
    "hub_outbox_oldest_age_seconds",
    "Age of the oldest outbox row not yet handed to the queue (0: none waiting)",
    [],
    (g, f) => g.set(Math.max(0, ...f.outbox.map((row) => row.oldest_seconds))),
  );
  gauge("hub_opinion_alerts_open", "Open public-opinion alerts (预警) by level", ["level"], (g, f) => {
    for (const row of f.alerts) g.set({ level: row.level }, row.open);
  });

  const pool = db.pool;
  if (!pool) return figures;
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  poolGauge("hub_db_pool_connections", "Connections the driver pool holds", () => pool.totalCount);
  poolGauge("hub_db_pool_idle_connections", "Idle connections in the driver pool", () => pool.idleCount);
  poolGauge("hub_db_pool_waiting_requests", "Queries waiting for a pool connection", () => pool.waitingCount);
  return figures;
}
