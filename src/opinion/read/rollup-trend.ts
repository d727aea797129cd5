// Counts per time bucket from the rollups: per hour (UTC hours, the hourly rollups), or per local
// day or week (Monday) in the hub's time zone (whole days from the daily rollups: rollup-span.ts), for the values of one dimension — the largest few
// over the period, each as a series.
import type { SqlRunner } from "../../db/sql-runner.ts";
import { localDate } from "../../calendar/zoned-days.ts";
import { epochMs, fromEpochMs, type OpinionPeriod } from "./opinion-period.ts";
import { type ReadDimension, rollupRowsSql } from "./rollup-span.ts";
import type { SentimentCounts } from "./rollup-totals.ts";

export const TREND_BUCKETS = ["hour", "day", "week"] as const;
export type TrendBucket = (typeof TREND_BUCKETS)[number];

export interface TrendPoint extends SentimentCounts {
  /** The bucket's first instant. */
  start: Date;
  /** Its local day (the day, or the week's Monday), for day and week buckets. */
  date?: string;
}

export interface TrendSeries {
  value: string;
  points: TrendPoint[];
}

/** The SQL of a bucket's start as a timestamp with zone ($tz is the zone's parameter). */
function bucketStart(bucket: TrendBucket, tz: string): string {
  if (bucket === "hour") return `("hour" AT TIME ZONE 'UTC')`;
  return `(date_trunc('${bucket}', ("hour" AT TIME ZONE 'UTC') AT TIME ZONE ${tz}) AT TIME ZONE ${tz})`;
}

export async function rollupTrend(
  sql: Pick<SqlRunner, "query">,
  options: {
    dimension: ReadDimension;
    period: OpinionPeriod;
    bucket: TrendBucket;
    timeZone: string;
    /** Only these values, in this order. */
    values?: readonly string[];
    /** Only the `top` values largest over the period, largest first (one scan of the rollups for both). */
    top?: number;
  },
): Promise<TrendSeries[]> {
  const { dimension, period, bucket, timeZone, values, top } = options;
  const params: unknown[] = [];
  const source = rollupRowsSql(dimension, period, params, { days: bucket !== "hour" });
  const start = bucketStart(bucket, bucket === "hour" ? "" : `$${params.push(timeZone)}::text`);
  const valuesParam = `$${params.push(values ? [...values] : null)}::text[]`;
  const rows = await sql.query<{
    value: string;
    start: number;
    total: number;
    negative: number;
    neutral: number;
    positive: number;
    rank: number;
  }>(
    `WITH r AS (
       SELECT * FROM (${source}) s WHERE ${valuesParam} IS NULL OR "value" = ANY(${valuesParam})
     ), chosen AS (
       SELECT "value", row_number() OVER (ORDER BY sum("total") DESC, "value")::int AS rank
       FROM r GROUP BY "value" ORDER BY rank LIMIT $${params.push(top ?? null)}
     )
     SELECT r."value", ${epochMs(start)} AS start, sum("total")::int AS total, sum("negative")::int AS negative,
            sum("neutral")::int AS neutral, sum("positive")::int AS positive, min(c.rank) AS rank
     FROM r JOIN chosen c ON c."value" = r."value"
     GROUP BY r."value", 2
     ORDER BY 7, 2`,
    params,
  );
  const series = new Map<string, TrendPoint[]>();
  for (const r of rows) {
    const at = fromEpochMs(r.start);
    const point: TrendPoint = {
      start: at,
      ...(bucket === "hour" ? {} : { date: localDate(at, timeZone) }),
      total: Number(r.total),
      negative: Number(r.negative),
      neutral: Number(r.neutral),
      positive: Number(r.positive),
    };
    const points = series.get(r.value) ?? [];
    points.push(point);
    series.set(r.value, points);
  }
  const order = values ?? [...series.keys()];
  return order.filter((v) => series.has(v)).map((value) => ({ value, points: series.get(value)! }));
}
