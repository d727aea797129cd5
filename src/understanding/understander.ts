// The language pipeline, in order: normalize → segment → retrieve → classify → decide.
// Plain TypeScript over the catalog data; no I/O, so it is fast and easy to test.
import type { Catalog, ServiceItem } from "../catalog/catalog-schema.ts";
import { CueScorer } from "./cue-scorer.ts";
import { DomainClassifier } from "./domain-classifier.ts";
import { normalizeText } from "./normalize.ts";
import { Segmenter } from "./segmenter.ts";
import { ServiceMatcher, type ServiceCandidate } from "./service-matcher.ts";
import { SynonymTable } from "./synonyms.ts";
import { TermExtractor } from "./term-extractor.ts";

export type MessageKind = "service" | "complaint" | "suggestion" | "greeting" | "handoff" | "unknown";

export interface Understanding {
  kind: MessageKind;
  /** 0–1: how sure the hub is of `kind` (and of `serviceItem` for service questions). */
  confidence: number;
  serviceItem?: ServiceItem;
  /** Complaint domain (城建, 交通 …) when one is evident. */
  domain?: string;
  /** The next-best items, for clarifying questions and for review. */
  candidates: { code: string; name: string; coverage: number }[];
}

export interface UnderstanderThresholds {
  /** Coverage a service match needs before the hub answers with it. */
  answer: number;
  /** Cue weight that makes a message a complaint. */
  complaint: number;
  /** Cue weight that makes a message a suggestion. */
  suggestion: number;
}

const DEFAULT_THRESHOLDS: UnderstanderThresholds = { answer: 0.4, complaint: 1, suggestion: 1 };
// What is left of a greeting once the greeting words are removed: particles and punctuation.
const GREETING_FILLER = /^[\s\p{P}\p{S}啊呀呢哈嗯哦噢吧吗么]*$/u;

export class Understander {
  private readonly extractor: TermExtractor;
  private readonly matcher: ServiceMatcher;
  private readonly greeting: CueScorer;
  private readonly handoff: CueScorer;
  private readonly complaint: CueScorer;
  private readonly suggestion: CueScorer;
  private readonly domains: DomainClassifier;

  constructor(
    catalog: Catalog,
    private readonly thresholds: UnderstanderThresholds = DEFAULT_THRESHOLDS,
  ) {
    const synonyms = new SynonymTable(catalog.synonyms);
    const vocabulary = [
      ...catalog.items.flatMap((item) => [item.name, ...item.aliases]),
      ...synonyms.words(),
      ...Object.values(catalog.messageKinds.domains).flat(),
    ];
    this.extractor = new TermExtractor(new Segmenter(vocabulary), synonyms);
    this.matcher = new ServiceMatcher(catalog.items, this.extractor);
    const kinds = catalog.messageKinds;
    this.greeting = new CueScorer(kinds.greeting.cues);
    this.handoff = new CueScorer(kinds.handoff.cues);
    this.complaint = new CueScorer(kinds.complaint.cues);
    this.suggestion = new CueScorer(kinds.suggestion.cues);
    this.domains = new DomainClassifier(kinds.domains);
  }

  understand(rawText: string): Understanding {
    const text = normalizeText(rawText);
    const words = this.extractor.words(text);
    const candidates = this.matcher.match(words);
    return this.decide(text, candidates);
  }

  private decide(text: string, candidates: ServiceCandidate[]): Understanding {
    const listed = candidates.map((c) => ({ code: c.item.code, name: c.item.name, coverage: round(c.coverage) }));
    const base = { candidates: listed };
    if (text.length === 0) return { kind: "unknown", confidence: 1, ...base };

    const handoff = this.handoff.score(text);
    if (handoff.score > 0 && GREETING_FILLER.test(this.greeting.score(handoff.rest).rest)) {
      return { kind: "handoff", confidence: 1, ...base };
    }

    // Complaints before suggestions: "建议你们管管噪音" is someone asking for help.
    for (const kind of ["complaint", "suggestion"] as const) {
      const { score } = this[kind].score(text);
      const threshold = this.thresholds[kind];
      if (score >= threshold) {
        const confidence = round(Math.min(1, score / (2 * threshold)));
        return { kind, confidence, domain: this.domains.classify(text)?.domain, ...base };
      }
    }

    const top = candidates[0];
    if (top && top.coverage >= this.thresholds.answer) {
      return { kind: "service", confidence: round(top.coverage), serviceItem: top.item, ...base };
    }

    const greeting = this.greeting.score(text);
    if (greeting.score > 0 && GREETING_FILLER.test(greeting.rest)) {
      return { kind: "greeting", confidence: 1, ...base };
    }

    return { kind: "unknown", confidence: round(1 - (top?.coverage ?? 0)), ...base };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
