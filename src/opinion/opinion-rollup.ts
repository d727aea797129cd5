// The hourly rollups: per hour and per value of each dimension, how many analysed messages
// there were and how many of each sentiment. What the opinion API's counts, trends and
// alert baselines read instead of scanning messages (issue 14: 300 ms p95 at 1,000,000).
// A message counts once per value it has: under each of its keywords and places, its
// domain (if any), its channel, its sentiment and its kind of source (message, import …).

/** The dimensions rolled up when a message is stored. */
export const ROLLUP_DIMENSIONS = ["keyword", "place", "domain", "channel", "sentiment", "kind"] as const;
/**
 * Rolled up when the opinion monitor sets a message's topic, moved when a replay changes it (monitor-store.ts).
 * Hourly only, no daily rows (read/rollup-span.ts says why).
 */
export const TOPIC_DIMENSION = "topic";

export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** What a message adds to the rollups. */
export interface RollupSubject {
  at: Date;
  /** OpinionSources: "message", "import" … (the overview's totals by kind). */
  sourceKind: string;
  channel: string;
  sentiment: string;
  keywords: readonly string[];
  /** Place codes. */
  places: readonly string[];
  domain: string | null;
}

/** The hour bucket a time falls in (UTC, like every stored time). */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}

/** The (dimension, value) pairs a message is counted under, each once. */
export function rollupFacts(subject: RollupSubject): [RollupDimension, string][] {
  const facts: [RollupDimension, string][] = [];
  for (const keyword of new Set(subject.keywords)) facts.push(["keyword", keyword]);
  for (const place of new Set(subject.places)) facts.push(["place", place]);
  if (subject.domain) facts.push(["domain", subject.domain]);
  facts.push(["channel", subject.channel], ["sentiment", subject.sentiment], ["kind", subject.sourceKind]);
  return facts;
}

/** The tail of an INSERT into "OpinionRollup": a row already there is added to, not replaced. */
export const ADD_TO_ROLLUP = `ON CONFLICT ("dimension", "hour", "value") DO UPDATE SET
  "total" = "OpinionRollup"."total" + EXCLUDED."total",
  "negative" = "OpinionRollup"."negative" + EXCLUDED."negative",
  "neutral" = "OpinionRollup"."neutral" + EXCLUDED."neutral",
  "positive" = "OpinionRollup"."positive" + EXCLUDED."positive"`;
