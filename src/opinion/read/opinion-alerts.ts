// Alerts (预警) as the API lists them: the monitor's OpinionAlert rows detected in a period,
// and those still open from before it, newest first, samples masked.
import type { SqlRunner } from "../../db/sql-runner.ts";
import { maskText } from "../../privacy/mask.ts";
import { epochMs, fromEpochMs, type OpinionPeriod, sqlTime } from "./opinion-period.ts";

export interface AlertSample {
  id: string;
  /** Masked. */
  text: string;
  time: Date;
  channel: string;
}

export interface AlertView {
  id: string;
  status: string;
  level: string;
  label: string;
  keywords: string[];
  places: string[];
  channels: string[];
  messageCount: number;
  expected: number;
  score: number;
  firstAt: Date;
  detectedAt: Date;
  closedAt: Date | null;
  topicId: string | null;
  ticketNumbers: string[];
  samples: AlertSample[];
}

/** A row as read: the times as epoch milliseconds, the samples as stored JSON. */
type AlertRow = Record<string, unknown> &
  Omit<AlertView, "firstAt" | "detectedAt" | "closedAt" | "samples"> & {
    firstAt: number;
    detectedAt: number;
    closedAt: number | null;
    samples: unknown;
  };

export async function listAlerts(
  sql: Pick<SqlRunner, "query">,
  options: { period: OpinionPeriod; openOnly?: boolean; limit: number },
): Promise<AlertView[]> {
  const rows = await sql.query<AlertRow>(
    `SELECT "id", "status", "level", "label", "keywords", "places", "channels", "messageCount", "expected", "score",
            ${epochMs('"firstAt"')} AS "firstAt", ${epochMs('"detectedAt"')} AS "detectedAt",
            ${epochMs('"closedAt"')} AS "closedAt", "topicId", "ticketNumbers", "samples"
     FROM "OpinionAlert"
     WHERE "detectedAt" < $2::timestamp(3)
       AND (("detectedAt" >= $1::timestamp(3) AND NOT $3::boolean) OR "status" = 'open')
     ORDER BY "detectedAt" DESC, "id"
     LIMIT $4`,
    [sqlTime(options.period.from), sqlTime(options.period.to), options.openOnly ?? false, options.limit],
  );
  return rows.map(alertView);
}

function alertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    status: row.status,
    level: row.level,
    label: row.label,
    keywords: row.keywords,
    places: row.places,
    channels: row.channels,
    messageCount: Number(row.messageCount),
    expected: Number(row.expected),
    score: Number(row.score),
    firstAt: fromEpochMs(row.firstAt),
    detectedAt: fromEpochMs(row.detectedAt),
    closedAt: row.closedAt === null ? null : fromEpochMs(row.closedAt),
    topicId: row.topicId,
    ticketNumbers: row.ticketNumbers,
    samples: alertSamples(row.samples),
  };
}

/** The stored samples ([{id, text, at, channel}]), masked again on the way out. */
function alertSamples(stored: unknown): AlertSample[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((s: Record<string, unknown>) =>
    s && typeof s.text === "string"
      ? [
          {
            id: String(s.id ?? ""),
            text: maskText(s.text),
            time: new Date(typeof s.at === "string" || typeof s.at === "number" ? s.at : 0),
            channel: String(s.channel ?? ""),
          },
        ]
      : [],
  );
}
