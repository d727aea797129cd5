// The labels other data sets and models use for emotions and sentiments, mapped to the
// analysis's own: the SMP2020-EWECT emotions (angry → 愤怒, fear → 焦虑/担忧, sad → 悲伤,
// happy → 喜悦/感谢, neutral and surprise → 中性, as its own sentiment label puts surprise
// with neutral) and the message model's 恐惧 (→ 焦虑/担忧).
import { EMOTIONS, type Emotion } from "../knowledge/opinion-lexicon-schema.ts";
import type { Sentiment } from "./opinion-message.ts";

export const EMOTION_LABEL_MAP: Readonly<Record<string, Emotion>> = {
  ...Object.fromEntries(EMOTIONS.map((e) => [e, e])),
  angry: "愤怒",
  fear: "焦虑/担忧",
  sad: "悲伤",
  happy: "喜悦/感谢",
  neutral: "中性",
  surprise: "中性",
  恐惧: "焦虑/担忧",
  焦虑: "焦虑/担忧",
  担忧: "焦虑/担忧",
  喜悦: "喜悦/感谢",
  感谢: "喜悦/感谢",
};

export const SENTIMENT_LABEL_MAP: Readonly<Record<string, Sentiment>> = {
  negative: "negative",
  neutral: "neutral",
  positive: "positive",
  负面: "negative",
  中性: "neutral",
  正面: "positive",
};
