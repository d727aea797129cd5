// From a source record (a citizen's message, an imported record) to the row stored: the text
// is masked first (phone, ID and bank-card numbers, e-mail addresses), and the masked text is
// what is analysed and stored, so no personal number reaches the keywords either. The domain
// is the ticket's when the message became one, else the catalog's domain cues (the
// classifier's DomainClassifier) on the text.
import { normalizeText } from "../language/text/normalize.ts";
import { maskText } from "../privacy/mask.ts";
import type { OpinionAnalyzer } from "./opinion-analyzer.ts";
import type { OpinionSourceKind } from "./opinion-source.ts";
import type { OpinionRow } from "./opinion-store.ts";
import { PlaceFinder } from "./place-finder.ts";

export interface OpinionSourceRecord {
  sourceKind: OpinionSourceKind;
  sourceId: string;
  channel: string;
  at: Date;
  /** As written (unmasked). */
  text: string;
  /** A place the source names beside the text (an import's `place` column), looked up in the gazetteer too. */
  place?: string;
  domain?: string | null;
  ticketNumber?: string | null;
}

export class OpinionRecorder {
  private readonly places: PlaceFinder | undefined;

  constructor(
    private readonly analyzer: OpinionAnalyzer,
    /** The domain of a text (城建, 交通 …), e.g. DomainClassifier over the catalog's cues. */
    private readonly domainOf: (text: string) => string | undefined = () => undefined,
  ) {
    this.places = analyzer.components.find((c): c is PlaceFinder => c instanceof PlaceFinder);
  }

  row(record: OpinionSourceRecord): OpinionRow {
    const text = maskText(record.text);
    const analysis = this.analyzer.analyzeMessage(text);
    const places = analysis.places.map((p) => p.code);
    if (record.place && this.places)
      for (const p of this.places.find(normalizeText(record.place))) if (!places.includes(p.code)) places.push(p.code);
    return {
      sourceKind: record.sourceKind,
      sourceId: record.sourceId,
      channel: record.channel,
      at: record.at,
      text,
      sentiment: analysis.sentiment,
      score: analysis.sentimentScore,
      emotion: analysis.emotion,
      keywords: analysis.keywords,
      places,
      domain: record.domain ?? this.domainOf(normalizeText(text)) ?? null,
      ticketNumber: record.ticketNumber ?? null,
    };
  }
}
