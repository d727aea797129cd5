// What a briefing says, read from the rollups and the monitor's tables: the period's and the
// previous period's totals, the trend by sentiment, the largest and the new topics, places,
// alerts, and the keywords that rose most.
import type { SqlRunner } from "../../db/sql-runner.ts";
import { type AlertView, listAlerts } from "./opinion-alerts.ts";
import type { OpinionPeriod } from "./opinion-period.ts";
import { placeTable, type PlaceRow } from "./opinion-places.ts";
import { listTopics, type TopicView } from "./opinion-topics.ts";
import type { PlaceDirectory } from "./place-directory.ts";
import { rollupTotals, type SentimentCounts, sumCounts, type ValueCounts } from "./rollup-totals.ts";
import { rollupTrend, type TrendBucket, type TrendSeries } from "./rollup-trend.ts";

export interface RisingKeyword {
  keyword: string;
  total: number;
  previous: number;
}

export interface BriefingFacts {
  period: OpinionPeriod;
  previous: OpinionPeriod;
  bucket: TrendBucket;
  totals: SentimentCounts;
  previousTotals: SentimentCounts;
  byChannel: ValueCounts[];
  byDomain: ValueCounts[];
  trend: TrendSeries[];
  topics: TopicView[];
  newTopics: TopicView[];
  places: PlaceRow[];
  alerts: AlertView[];
  risingKeywords: RisingKeyword[];
}

/** A keyword counts as rising with at least this many messages and twice the previous period's. */
const RISING_MIN = 5;

export async function briefingFacts(
  sql: Pick<SqlRunner, "query">,
  places: PlaceDirectory,
  period: OpinionPeriod & { previous: OpinionPeriod },
  bucket: TrendBucket,
  timeZone: string,
): Promise<BriefingFacts> {
  const { previous } = period;
  const [sentiment, previousSentiment, byChannel, byDomain, trend, topics, newTopics, placeRows, alerts, keywords] =
    await Promise.all([
      rollupTotals(sql, "sentiment", period),
      rollupTotals(sql, "sentiment", previous),
      rollupTotals(sql, "channel", period),
      rollupTotals(sql, "domain", period, 10),
      rollupTrend(sql, { dimension: "sentiment", period, bucket, timeZone }),
      listTopics(sql, { period, limit: 10 }),
      listTopics(sql, { period, newOnly: true, limit: 10 }),
      placeTable(sql, places, period, 10),
      listAlerts(sql, { period, limit: 20 }),
      rollupTotals(sql, "keyword", period, 200),
    ]);
  const before = new Map((await rollupTotals(sql, "keyword", previous, 2_000)).map((k) => [k.value, k.total] as const));
  const risingKeywords = keywords
    .map((k) => ({ keyword: k.value, total: k.total, previous: before.get(k.value) ?? 0 }))
    .filter((k) => k.total >= RISING_MIN && k.total >= 2 * k.previous)
    .sort((a, b) => b.total - b.previous - (a.total - a.previous) || a.keyword.localeCompare(b.keyword))
    .slice(0, 10);
  return {
    period: { from: period.from, to: period.to },
    previous,
    bucket,
    totals: sumCounts(sentiment),
    previousTotals: sumCounts(previousSentiment),
    byChannel,
    byDomain,
    trend,
    topics,
    newTopics,
    places: placeRows,
    alerts,
    risingKeywords,
  };
}
