// The "classify" step by the cue phrases in intents/message-kinds.yaml alone.
import type { MessageKindsFile } from "../../knowledge/catalog-schema.ts";
import { CueScorer } from "../text/cue-scorer.ts";
import type { Message } from "./component.ts";
import { DomainClassifier } from "./domain-classifier.ts";
import { settleByType, type MessageClassification, type MessageClassifier } from "./message-classifier.ts";
import type { AnalyzedText } from "./component.ts";

export interface CueThresholds {
  /** Cue weight that makes a message a complaint. */
  complaint: number;
  /** Cue weight that makes a message a suggestion. */
  suggestion: number;
}

export class CueMessageClassifier implements MessageClassifier {
  private readonly complaint: CueScorer;
  private readonly suggestion: CueScorer;
  private readonly domains: DomainClassifier;

  constructor(
    kinds: MessageKindsFile,
    private readonly thresholds: CueThresholds = { complaint: 1, suggestion: 1 },
  ) {
    this.complaint = new CueScorer(kinds.complaint.cues);
    this.suggestion = new CueScorer(kinds.suggestion.cues);
    this.domains = new DomainClassifier(kinds.domains);
  }

  process(message: Message): void {
    settleByType(message, this.classify(message.analyzed!));
  }

  classify({ text }: AnalyzedText): MessageClassification {
    // Complaints before suggestions: "建议你们管管噪音" is someone asking for help.
    const complaint = this.complaint.score(text).score;
    if (complaint >= this.thresholds.complaint) return this.classified("complaint", complaint, text);
    const suggestion = this.suggestion.score(text).score;
    if (suggestion >= this.thresholds.suggestion) return this.classified("suggestion", suggestion, text);
    return { type: "consultation", confidence: 1 };
  }

  private classified(type: "complaint" | "suggestion", score: number, text: string): MessageClassification {
    const threshold = this.thresholds[type];
    return {
      type,
      confidence: round(Math.min(1, score / (2 * threshold))),
      domain: this.domains.classify(text)?.domain,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
