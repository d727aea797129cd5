// For a message the lexicon has nothing to say about (no sentiment word: its total is 0),
// a trained model's emotion decides — the message model of src/language, trained with
// `npm run nlp -- train <labelled.jsonl> --model <dir>` on `text` + `emotion` (the shipped
// one on intents/training/opinion.jsonl; a deployment retrains it on its own messages).
// It is believed when its calibrated confidence is at least MIN_CONFIDENCE, i.e. when the
// label is more likely right than wrong — a fixed rule, not a tuned threshold. The
// sentiment follows from the emotion; the score is ±confidence / 2, below a clear lexicon
// verdict. A message the lexicon reads is never changed.
import type { MessageModel } from "../language/components/message-model/message-model.ts";
import { EMOTION_LABEL_MAP } from "./opinion-labels.ts";
import type { OpinionComponent, OpinionMessage } from "./opinion-message.ts";

export const MIN_CONFIDENCE = 0.5;

export class ModelSentiment implements OpinionComponent {
  readonly name = "model";

  constructor(private readonly model: MessageModel) {}

  process(message: OpinionMessage): void {
    if (message.sentimentTotal !== 0 || message.text.length === 0) return;
    const prediction = this.model.classify(message.raw).emotion;
    if (!prediction || prediction.confidence < MIN_CONFIDENCE) return;
    const emotion = EMOTION_LABEL_MAP[prediction.label];
    if (!emotion || emotion === "中性") return;
    const half = Math.round((prediction.confidence / 2) * 1000) / 1000;
    if (emotion === "喜悦/感谢") {
      message.sentiment = "positive";
      message.sentimentScore = half;
    } else {
      message.sentiment = "negative";
      message.sentimentScore = -half;
      message.emotionEvidence[emotion] += prediction.confidence;
    }
  }
}
