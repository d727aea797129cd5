// The trained model's part in the sentiment: the message model of src/language, trained with
// `npm run nlp -- train <labelled.jsonl> --model <dir>` on `text` + `emotion` (the shipped one on
// the team's intents/training/opinion.jsonl + opinion-social.jsonl; a deployment retrains it on
// its own messages). Two rules, both fixed in advance of any evaluation set:
// - **No lexicon word** (the total is 0): the model's likeliest emotion is taken when its
//   calibrated confidence is at least DECIDE_CONFIDENCE (0.5, more likely right than wrong).
// - **A weak lexicon verdict** (|score| below WEAK_LEXICON_SCORE, 0.5: less than one plain
//   sentiment word of strength 2) with no negated word: the model's emotions are summed into
//   sentiments (negative = 愤怒 + 焦虑/担忧 + 悲伤) and a sentiment it gives at least
//   OVERRULE_PROBABILITY (0.8) replaces the lexicon's. A clear lexicon verdict is never changed:
//   out of the style of its training data the model can be confidently wrong (`太不像话了` read
//   as thanks), the lexicon's clear words are not. Nor is a verdict that rests on a negation
//   (不差, 不会有危险, 我不怕): the model, a bag of n-grams, reads 不怕 as fear.
// The weak-verdict rule was chosen on the team's own data only — cross-validation on the
// training messages, the team's check set and the classifier's separately written messages —
// where it helped on all three. The sentiment follows from the emotion; the score is
// ±probability / 2 (0 for neutral), and a negative verdict adds the probability to the
// evidence of the model's likeliest negative emotion.
import type { MessageModel } from "../language/components/message-model/message-model.ts";
import type { NegativeEmotion } from "../knowledge/opinion-lexicon-schema.ts";
import { EMOTION_LABEL_MAP } from "./opinion-labels.ts";
import type { OpinionComponent, OpinionMessage, Sentiment } from "./opinion-message.ts";

export const DECIDE_CONFIDENCE = 0.5;
export const WEAK_LEXICON_SCORE = 0.5;
export const OVERRULE_PROBABILITY = 0.8;

export interface ModelReading {
  /** Each sentiment's probability: its emotions' summed. */
  sentiment: Record<Sentiment, number>;
  /** The likeliest emotion and its probability. */
  emotion: string;
  confidence: number;
  /** The likeliest negative emotion and its probability. */
  negativeEmotion: NegativeEmotion;
  negativeConfidence: number;
}

/** The model's emotion probabilities, and summed into sentiments. */
export function readModel(model: MessageModel, text: string): ModelReading {
  const reading: ModelReading = {
    sentiment: { negative: 0, neutral: 0, positive: 0 },
    emotion: "中性",
    confidence: -1,
    negativeEmotion: "愤怒",
    negativeConfidence: -1,
  };
  for (const [label, probability] of model.probabilities(text, "emotion")) {
    const emotion = EMOTION_LABEL_MAP[label];
    if (!emotion) continue;
    if (probability > reading.confidence) {
      reading.emotion = emotion;
      reading.confidence = probability;
    }
    if (emotion === "中性") reading.sentiment.neutral += probability;
    else if (emotion === "喜悦/感谢") reading.sentiment.positive += probability;
    else {
      reading.sentiment.negative += probability;
      if (probability > reading.negativeConfidence) {
        reading.negativeEmotion = emotion;
        reading.negativeConfidence = probability;
      }
    }
  }
  return reading;
}

const sentimentOf = (emotion: string): Sentiment =>
  emotion === "中性" ? "neutral" : emotion === "喜悦/感谢" ? "positive" : "negative";

export class ModelSentiment implements OpinionComponent {
  readonly name = "model";

  constructor(private readonly model: MessageModel) {}

  process(message: OpinionMessage): void {
    if (message.text.length === 0) return;
    const lexiconRead = message.sentimentTotal !== 0;
    if (lexiconRead && (Math.abs(message.sentimentScore) >= WEAK_LEXICON_SCORE || message.negatedWords > 0)) return;
    const reading = readModel(this.model, message.raw);
    let verdict: Sentiment | undefined;
    let probability = 0;
    if (!lexiconRead) {
      if (reading.confidence < DECIDE_CONFIDENCE) return;
      verdict = sentimentOf(reading.emotion);
      probability = reading.confidence;
    } else {
      for (const sentiment of ["negative", "positive", "neutral"] as const) {
        if (reading.sentiment[sentiment] >= OVERRULE_PROBABILITY) {
          verdict = sentiment;
          probability = reading.sentiment[sentiment];
        }
      }
    }
    if (!verdict || verdict === message.sentiment) return;
    const half = Math.round((probability / 2) * 1000) / 1000;
    message.sentiment = verdict;
    if (verdict === "neutral") message.sentimentScore = 0;
    else if (verdict === "positive") message.sentimentScore = half;
    else {
      message.sentimentScore = -half;
      const emotion = lexiconRead ? reading.negativeEmotion : reading.emotion;
      message.emotionEvidence[emotion as NegativeEmotion] += probability;
    }
  }
}
