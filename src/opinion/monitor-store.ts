// The opinion monitor's reads and writes (a thin adapter over the driver, like opinion-store.ts):
// the analysed rows it tails and replays, its cursor, each message's topic (with the "topic"
// rollup moved along), topics with their counts kept by delta (topic-writes.ts), and alerts with their links, channels, tickets, keywords and masked samples.
// Every write is keyed by a derived id, so writing the same effects twice changes nothing.
// Times: stored columns are UTC wall-clock timestamps; they are read as epoch milliseconds and
// written as ISO strings. `createdAt` (when a row was stored) is compared only with the
// database's own now(), as an opaque text value, so no clock but the database's is involved.
import { randomUUID } from "node:crypto";
import type { SqlRunner } from "../db/sql-runner.ts";
import { QueueNames } from "../queue/queue-names.ts";
import type { AlertLevel } from "./alert-settings.ts";
import { type AlertDelivery, alertChanges } from "./alert-changes.ts";
import type { AlertSnapshot, MonitorRow, TopicSummary } from "./hub-monitor.ts";
import { saveTopicChanges } from "./topic-writes.ts";
import { ALERT_JOB_NAME, alertJobId } from "./alert-delivery.ts";

type Sql = Pick<SqlRunner, "query" | "transaction">;
type Tx = Pick<SqlRunner, "query">;

const CURSOR_ID = "hub";
const ROW_COLUMNS = `"id", (extract(epoch from "at") * 1000)::float8 AS "at", "sentiment", "keywords", "places", "domain"`;
const iso = (time: number) => new Date(time).toISOString();

/** Where the monitor stopped: rows stored before `horizon` are read; alerts are evaluated up to `clock`. */
export interface MonitorCursor {
  /** The database's own timestamp text. */
  horizon: string;
  clock: number;
}

export interface MonitorStoreOptions {
  /**
   * Queue the alert changes worth delivering (a webhook is configured): written to the outbox in
   * the transaction that writes the alert, so a change is never stored without its delivery.
   */
  deliver: boolean;
}

export class MonitorStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: MonitorStoreOptions = { deliver: false },
  ) {}

  /** The database's now() minus `lagMs`: rows stored before it have committed (a statement takes less). */
  async horizon(lagMs: number): Promise<string> {
    const [row] = await this.sql.query<{ horizon: string }>(
      `SELECT to_char(now()::timestamp(3) - make_interval(secs => $1::float8 / 1000), 'YYYY-MM-DD HH24:MI:SS.MS') AS "horizon"`,
      [lagMs],
    );
    return row!.horizon;
  }

  /** Rows stored in [from, to), in time order. */
  async rowsStored(from: string, to: string): Promise<MonitorRow[]> {
    return this.sql.query<MonitorRow & Record<string, unknown>>(
      `SELECT ${ROW_COLUMNS} FROM "OpinionMessage"
       WHERE "createdAt" >= $1::timestamp(3) AND "createdAt" < $2::timestamp(3) ORDER BY "at", "id"`,
      [from, to],
    );
  }

  /** One page of the rows stored before `horizon`, at or after `from`, in time order after (afterAt, afterId). */
  async replayPage(
    from: number,
    horizon: string,
    after: { at: number; id: string } | undefined,
    limit: number,
  ): Promise<MonitorRow[]> {
    return this.sql.query<MonitorRow & Record<string, unknown>>(
      `SELECT ${ROW_COLUMNS} FROM "OpinionMessage"
       WHERE "at" >= $1::timestamp(3) AND "createdAt" < $2::timestamp(3)
         AND ("at", "id") > ($3::timestamp(3), $4::text)
       ORDER BY "at", "id" LIMIT $5`,
      [iso(from), horizon, iso(after?.at ?? from - 1), after?.id ?? "", limit],
    );
  }

  /** The earliest time stored at or after `from` (before `horizon`), if any. */
  async earliestAt(from: number, horizon: string): Promise<number | undefined> {
    const [row] = await this.sql.query<{ at: number | null }>(
      `SELECT (extract(epoch from min("at")) * 1000)::float8 AS "at" FROM "OpinionMessage"
       WHERE "at" >= $1::timestamp(3) AND "createdAt" < $2::timestamp(3)`,
      [iso(from), horizon],
    );
    return row?.at ?? undefined;
  }

  /** The earliest time of the rows stored at or after `horizon` (not yet read by the monitor). */
  async earliestUnread(horizon: string): Promise<number | undefined> {
    const [row] = await this.sql.query<{ at: number | null }>(
      `SELECT (extract(epoch from min("at")) * 1000)::float8 AS "at" FROM "OpinionMessage" WHERE "createdAt" >= $1::timestamp(3)`,
      [horizon],
    );
    return row?.at ?? undefined;
  }

  async cursor(): Promise<MonitorCursor | undefined> {
    const [row] = await this.sql.query<{ horizon: string; clock: number }>(
      `SELECT to_char("horizon", 'YYYY-MM-DD HH24:MI:SS.MS') AS "horizon", (extract(epoch from "clock") * 1000)::float8 AS "clock"
       FROM "OpinionMonitorCursor" WHERE "id" = $1`,
      [CURSOR_ID],
    );
    return row;
  }

  async saveCursor(cursor: MonitorCursor): Promise<void> {
    await this.sql.query(
      `INSERT INTO "OpinionMonitorCursor" ("id", "horizon", "clock", "updatedAt") VALUES ($1, $2::timestamp(3), $3::timestamp(3), now())
       ON CONFLICT ("id") DO UPDATE SET "horizon" = EXCLUDED."horizon", "clock" = EXCLUDED."clock", "updatedAt" = now()`,
      [CURSOR_ID, cursor.horizon, iso(cursor.clock)],
    );
  }

  /**
   * Writes a poll's topic changes in one transaction: each message's topic (its hourly "topic"
   * rollup moved along) and the topics' counts by delta, labels and 并案 parent (topic-writes.ts).
   */
  async saveTopics(assignments: ReadonlyMap<string, string>, topics: readonly TopicSummary[]): Promise<void> {
    if (assignments.size === 0 && topics.length === 0) return;
    await this.sql.transaction((tx) => saveTopicChanges(tx, assignments, topics));
  }

  /**
   * Removes the given topics (merged into another) once no message is theirs. One an alert
   * already links to stays, so the alert's link still opens (its messages are the other's now).
   */
  async deleteMergedTopics(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.query(
      `DELETE FROM "OpinionTopic" t WHERE t."id" = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" m WHERE m."topicId" = t."id")
         AND NOT EXISTS (SELECT 1 FROM "OpinionAlert" a WHERE a."topicId" = t."id")`,
      [ids],
    );
  }

  /** Removes topics last active at or after `since` that a replay left without messages. */
  async deleteEmptyTopics(since: number): Promise<number> {
    const rows = await this.sql.query<{ id: string }>(
      `DELETE FROM "OpinionTopic" t WHERE t."lastAt" >= $1::timestamp(3)
         AND NOT EXISTS (SELECT 1 FROM "OpinionMessage" m WHERE m."topicId" = t."id") RETURNING t."id"`,
      [iso(since)],
    );
    return rows.length;
  }

  /**
   * Writes alerts and their message links. Channels, tickets, keywords (the five most frequent)
   * and up to five samples (the earliest, their text masked when stored) come from the linked
   * messages. Answers the changes worth delivering, against the rows as they were stored before.
   */
  async saveAlerts(alerts: readonly AlertSnapshot[]): Promise<AlertDelivery[]> {
    if (alerts.length === 0) return [];
    const input = JSON.stringify(
      alerts.map((a) => ({
        ...a,
        firstAt: iso(a.firstAt),
        detectedAt: iso(a.detectedAt),
        updatedAt: iso(a.updatedAt),
        closedAt: a.closedAt === null ? null : iso(a.closedAt),
      })),
    );
    return this.sql.transaction(async (tx) => {
      const stored = await tx.query<{ id: string; status: string; level: string }>(
        `SELECT "id", "status", "level" FROM "OpinionAlert" WHERE "id" = ANY($1::text[]) ORDER BY "id" FOR UPDATE`,
        [alerts.map((a) => a.id)],
      );
      const before = new Map(stored.map((row) => [row.id, row]));
      await tx.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "status" text, "level" text, "label" text,
             "series" text[], "places" text[], "messageCount" int, "expected" float8, "score" float8,
             "firstAt" timestamp(3), "detectedAt" timestamp(3), "updatedAt" timestamp(3), "closedAt" timestamp(3),
             "topicId" text)
         )
         INSERT INTO "OpinionAlert" ("id", "status", "level", "label", "series", "places", "messageCount", "expected",
           "score", "firstAt", "detectedAt", "updatedAt", "closedAt", "topicId")
         SELECT "id", "status", "level", "label", "series", "places", "messageCount", "expected", "score",
           "firstAt", "detectedAt", "updatedAt", "closedAt", "topicId" FROM input ORDER BY "id"
         ON CONFLICT ("id") DO UPDATE SET "status" = EXCLUDED."status", "level" = EXCLUDED."level",
           "label" = EXCLUDED."label", "series" = EXCLUDED."series", "places" = EXCLUDED."places",
           "messageCount" = EXCLUDED."messageCount", "expected" = EXCLUDED."expected", "score" = EXCLUDED."score",
           "firstAt" = EXCLUDED."firstAt", "detectedAt" = EXCLUDED."detectedAt", "updatedAt" = EXCLUDED."updatedAt",
           "closedAt" = EXCLUDED."closedAt", "topicId" = EXCLUDED."topicId"`,
        [input],
      );
      await tx.query(
        `INSERT INTO "OpinionAlertMessage" ("alertId", "messageId")
         SELECT x."id", unnest(x."messageIds") FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "messageIds" text[])
         ORDER BY 1, 2 ON CONFLICT DO NOTHING`,
        [input],
      );
      await tx.query(
        `WITH ids AS (SELECT x."id" FROM jsonb_to_recordset($1::jsonb) AS x("id" text)),
         msgs AS (
           SELECT l."alertId", m.* FROM "OpinionAlertMessage" l JOIN "OpinionMessage" m ON m."id" = l."messageId"
           WHERE l."alertId" IN (SELECT "id" FROM ids)
         ), facts AS (
           SELECT "alertId", array_agg(DISTINCT "channel") AS "channels",
             coalesce(array_agg(DISTINCT "ticketNumber") FILTER (WHERE "ticketNumber" IS NOT NULL), '{}') AS "ticketNumbers"
           FROM msgs GROUP BY "alertId"
         ), words AS (
           SELECT "alertId", (array_agg("word" ORDER BY "n" DESC, "word"))[1:5] AS "keywords"
           FROM (SELECT "alertId", k AS "word", count(*) AS "n" FROM msgs, unnest("keywords") k GROUP BY 1, 2) w
           GROUP BY "alertId"
         ), samples AS (
           SELECT "alertId", jsonb_agg(jsonb_build_object('id', "id", 'text', "text", 'channel', "channel",
             'at', to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY "at", "id") AS "samples"
           FROM (SELECT *, row_number() OVER (PARTITION BY "alertId" ORDER BY "at", "id") AS "rank" FROM msgs) s
           WHERE "rank" <= 5 GROUP BY "alertId"
         ), spots AS (
           SELECT "alertId", (array_agg("code" ORDER BY "n" DESC, "code"))[1:5] AS "places"
           FROM (SELECT "alertId", p AS "code", count(*) AS "n" FROM msgs, unnest("places") p GROUP BY 1, 2) c
           GROUP BY "alertId"
         )
         UPDATE "OpinionAlert" a SET "channels" = f."channels", "ticketNumbers" = f."ticketNumbers",
           "keywords" = coalesce(w."keywords", '{}'), "samples" = coalesce(s."samples", '[]'::jsonb),
           -- The places that spiked; else the ones its messages name most.
           "places" = CASE WHEN cardinality(a."places") > 0 THEN a."places" ELSE coalesce(p."places", '{}') END
         FROM facts f LEFT JOIN words w ON w."alertId" = f."alertId" LEFT JOIN samples s ON s."alertId" = f."alertId"
           LEFT JOIN spots p ON p."alertId" = f."alertId"
         WHERE a."id" = f."alertId"`,
        [input],
      );
      const deliveries = alerts.flatMap((alert) => alertChanges(alert.id, before.get(alert.id), alert));
      await this.queueDeliveries(tx, deliveries);
      return deliveries;
    });
  }

  /** The deliveries as outbox rows (the relay hands them to the opinion-alerts queue); one per job id, ever. */
  private async queueDeliveries(tx: Tx, deliveries: readonly AlertDelivery[]): Promise<void> {
    if (!this.options.deliver || deliveries.length === 0) return;
    const rows = deliveries.map((d) => ({ id: randomUUID(), jobId: alertJobId(d), payload: d }));
    await tx.query(
      `INSERT INTO "OutboxEntry" ("id", "queue", "jobName", "jobId", "payload")
       SELECT x."id", $2, $3, x."jobId", x."payload" FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "jobId" text, "payload" jsonb)
       ON CONFLICT ("queue", "jobId") DO NOTHING`,
      [JSON.stringify(rows), QueueNames.opinionAlerts, ALERT_JOB_NAME],
    );
  }

  /** Closes stored open alerts the monitor no longer holds open (a replay that did not reproduce them); answers those changes. */
  async closeAlertsNotIn(openIds: readonly string[], at: number): Promise<AlertDelivery[]> {
    return this.sql.transaction(async (tx) => {
      const closed = await tx.query<{ id: string; level: AlertLevel }>(
        `UPDATE "OpinionAlert" SET "status" = 'closed', "closedAt" = $2::timestamp(3), "updatedAt" = $2::timestamp(3)
         WHERE "status" = 'open' AND NOT ("id" = ANY($1::text[])) RETURNING "id", "level"`,
        [openIds, iso(at)],
      );
      const deliveries = closed.map(({ id, level }) => ({ alertId: id, change: "closed" as const, level }));
      await this.queueDeliveries(tx, deliveries);
      return deliveries;
    });
  }
}
