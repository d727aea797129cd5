// The series a message counts in for spike detection — each keyword, each place with its
// street and district, its domain, negative sentiment, its topic — and the terms it brings
// to topic clustering (its keywords without place names, which places already carry).
import type { OpinionAnalysis } from "./opinion-message.ts";
import type { PlaceLineage } from "./place-lineage.ts";

export const NEGATIVE_SERIES = "sentiment:negative";

/** A topic's series (by the clusterer's number, or the stored topic's id). */
export const topicSeries = (topicId: number | string): string => `topic:${topicId}`;

/** The topic of a topic's series, else undefined. */
export function topicIdOf(series: string): number | undefined {
  const match = /^topic:(\d+)$/.exec(series);
  return match ? Number(match[1]) : undefined;
}

export interface SeriesInput {
  analysis: Pick<OpinionAnalysis, "sentiment" | "keywords" | "places">;
  /** The classifier's domain, when known. */
  domain?: string;
  topicId?: number;
}

export class OpinionSeries {
  constructor(
    private readonly lineage: PlaceLineage,
    /** Every gazetteer name and alias (PlaceFinder.names). */
    private readonly placeNames: ReadonlySet<string>,
  ) {}

  /** The keywords that are not place names. */
  terms(analysis: Pick<OpinionAnalysis, "keywords">): string[] {
    return analysis.keywords.filter((keyword) => !this.placeNames.has(keyword));
  }

  keys({ analysis, domain, topicId }: SeriesInput): string[] {
    const keys = new Set<string>();
    for (const term of this.terms(analysis)) keys.add(`keyword:${term}`);
    for (const place of analysis.places)
      for (const code of [place.code, ...this.lineage.ancestors(place.code)]) keys.add(`place:${code}`);
    if (domain) keys.add(`domain:${domain}`);
    if (analysis.sentiment === "negative") keys.add(NEGATIVE_SERIES);
    if (topicId !== undefined) keys.add(topicSeries(topicId));
    return [...keys];
  }
}
