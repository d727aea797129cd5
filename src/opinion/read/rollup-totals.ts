// Counts over a period from the rollups (whole local days from the daily ones, the rest from the
// hourly ones: rollup-span.ts): per value of one dimension, the total and each sentiment, largest first. Never reads the messages (issue 14: 300 ms p95 at 1,000,000).
import type { SqlRunner } from "../../db/sql-runner.ts";
import type { OpinionPeriod } from "./opinion-period.ts";
import { type ReadDimension, rollupRowsSql } from "./rollup-span.ts";

export interface SentimentCounts {
  total: number;
  negative: number;
  neutral: number;
  positive: number;
}

export interface ValueCounts extends SentimentCounts {
  value: string;
}

export async function rollupTotals(
  sql: Pick<SqlRunner, "query">,
  dimension: ReadDimension,
  period: OpinionPeriod,
  limit = 1_000,
): Promise<ValueCounts[]> {
  const params: unknown[] = [];
  const rows = await sql.query<{ value: string; total: number; negative: number; neutral: number; positive: number }>(
    `SELECT "value", sum("total")::int AS total, sum("negative")::int AS negative,
            sum("neutral")::int AS neutral, sum("positive")::int AS positive
     FROM (${rollupRowsSql(dimension, period, params, { days: true })}) r
     GROUP BY "value"
     ORDER BY total DESC, "value"
     LIMIT $${params.push(limit)}`,
    params,
  );
  return rows.map((r) => ({
    value: r.value,
    total: Number(r.total),
    negative: Number(r.negative),
    neutral: Number(r.neutral),
    positive: Number(r.positive),
  }));
}

/** Every message of the period once: the sentiment dimension counts each message exactly once. */
export function sumCounts(rows: readonly SentimentCounts[]): SentimentCounts {
  const sum = { total: 0, negative: 0, neutral: 0, positive: 0 };
  for (const r of rows) {
    sum.total += r.total;
    sum.negative += r.negative;
    sum.neutral += r.neutral;
    sum.positive += r.positive;
  }
  return sum;
}

/** The negative share of a count, 0 when there is none. */
export function negativeShare(counts: Pick<SentimentCounts, "total" | "negative">): number {
  return counts.total === 0 ? 0 : Math.round((counts.negative / counts.total) * 10_000) / 10_000;
}
