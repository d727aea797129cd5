// The places of a period as a table: each gazetteer place messages named (the most specific
// one they named), with its name and district, its count and negative share (rollups).
import type { SqlRunner } from "../../db/sql-runner.ts";
import type { OpinionPeriod } from "./opinion-period.ts";
import type { NamedPlace, PlaceDirectory } from "./place-directory.ts";
import { negativeShare, rollupTotals, type SentimentCounts } from "./rollup-totals.ts";

export interface PlaceRow extends NamedPlace, SentimentCounts {
  negativeShare: number;
}

export async function placeTable(
  sql: Pick<SqlRunner, "query">,
  places: PlaceDirectory,
  period: OpinionPeriod,
  limit: number,
): Promise<PlaceRow[]> {
  const rows = await rollupTotals(sql, "place", period, limit);
  return rows.map(({ value, ...counts }) => ({
    ...places.named(value),
    ...counts,
    negativeShare: negativeShare(counts),
  }));
}
