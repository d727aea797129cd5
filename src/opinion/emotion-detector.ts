// Emotion, consistent with the sentiment: a positive message is 喜悦/感谢, a neutral one
// 中性, and a negative one takes the negative emotion whose words weigh most in it (愤怒,
// 焦虑/担忧, 悲伤; a tie goes to the first in that order). Negative words without an
// emotion of their own weigh for the lexicon's default (愤怒: "路灯坏了一个月", a
// complaint), which is also the answer when nothing weighs at all.
import { NEGATIVE_EMOTIONS, type NegativeEmotion } from "../knowledge/opinion-lexicon-schema.ts";
import type { OpinionComponent, OpinionMessage } from "./opinion-message.ts";

export class EmotionDetector implements OpinionComponent {
  readonly name = "emotion";

  constructor(private readonly defaultNegativeEmotion: NegativeEmotion) {}

  process(message: OpinionMessage): void {
    if (message.sentiment === "positive") message.emotion = "喜悦/感谢";
    else if (message.sentiment === "neutral") message.emotion = "中性";
    else {
      let best: NegativeEmotion = this.defaultNegativeEmotion;
      let bestEvidence = 0;
      for (const emotion of NEGATIVE_EMOTIONS) {
        if (message.emotionEvidence[emotion] > bestEvidence) {
          best = emotion;
          bestEvidence = message.emotionEvidence[emotion];
        }
      }
      message.emotion = best;
    }
  }
}
