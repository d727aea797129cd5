// The "classify" step: is a message a consultation (咨询), a complaint or request for
// help (投诉/求助), or a suggestion (建言), and which domain is it about. Any model can
// fill this slot: the cue phrases of intents/message-kinds.yaml (CueMessageClassifier)
// or the trained message model with them (TrainedMessageClassifier).
import type { Component, Message } from "./component.ts";
import type { AnalyzedText } from "./component.ts";

export type MessageType = "consultation" | "complaint" | "suggestion";

export interface MessageClassification {
  type: MessageType;
  /** 0–1: how sure the classifier is of `type`. */
  confidence: number;
  /** Domain (城建, 交通 …) for routing, when evident. */
  domain?: string;
}

export interface MessageClassifier extends Component {
  classify(text: AnalyzedText): MessageClassification;
}

/** The step's part in the pipeline: a complaint or a suggestion settles the message; a consultation goes on to the matcher. */
export function settleByType(message: Message, classification: MessageClassification): void {
  if (classification.type !== "consultation") {
    message.understanding = {
      kind: classification.type,
      confidence: classification.confidence,
      domain: classification.domain,
      candidates: [],
    };
  }
}
