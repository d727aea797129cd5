// The overview of a period: totals by channel, kind of source and sentiment (rollups), the
// largest topics, the places most talked about (with their names) and the open alerts.
import type { SqlRunner } from "../../db/sql-runner.ts";
import { type AlertView, listAlerts } from "./opinion-alerts.ts";
import type { OpinionPeriod } from "./opinion-period.ts";
import { listTopics, type TopicView } from "./opinion-topics.ts";
import { placeTable, type PlaceRow } from "./opinion-places.ts";
import type { PlaceDirectory } from "./place-directory.ts";
import { rollupTotals, type SentimentCounts, sumCounts, type ValueCounts } from "./rollup-totals.ts";

export interface OpinionOverview {
  totals: SentimentCounts;
  byChannel: ValueCounts[];
  byKind: ValueCounts[];
  bySentiment: ValueCounts[];
  topTopics: TopicView[];
  topPlaces: PlaceRow[];
  openAlerts: AlertView[];
}

export async function opinionOverview(
  sql: Pick<SqlRunner, "query">,
  places: PlaceDirectory,
  period: OpinionPeriod,
  sizes: { topics: number; places: number; alerts: number } = { topics: 5, places: 10, alerts: 10 },
): Promise<OpinionOverview> {
  const [byChannel, byKind, bySentiment, topTopics, topPlaces, openAlerts] = await Promise.all([
    rollupTotals(sql, "channel", period),
    rollupTotals(sql, "kind", period),
    rollupTotals(sql, "sentiment", period),
    listTopics(sql, { period, limit: sizes.topics }),
    placeTable(sql, places, period, sizes.places),
    listAlerts(sql, { period, openOnly: true, limit: sizes.alerts }),
  ]);
  // Each message counts once under its sentiment, so their sum is the period's total.
  return { totals: sumCounts(bySentiment), byChannel, byKind, bySentiment, topTopics, topPlaces, openAlerts };
}
