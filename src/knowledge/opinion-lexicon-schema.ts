// The shape of the opinion lexicon (intents/opinion-lexicon.yaml): sentiment words with
// their strength, negative emotion words by emotion, negators, degree modifiers,
// contrast words, the keyword extractor's stop words and the decision bands.
// Strict: unknown keys are errors.
import { z } from "zod";

const nonEmpty = z.string().trim().min(1);

/** The emotions the analysis tells apart; 喜悦/感谢 is every positive message's, 中性 every neutral one's. */
export const NEGATIVE_EMOTIONS = ["愤怒", "焦虑/担忧", "悲伤"] as const;
export type NegativeEmotion = (typeof NEGATIVE_EMOTIONS)[number];
export const EMOTIONS = [...NEGATIVE_EMOTIONS, "喜悦/感谢", "中性"] as const;
export type Emotion = (typeof EMOTIONS)[number];

const strength = z.number().min(0.25).max(3);
const words = z.record(nonEmpty, strength);

export const opinionLexiconFileSchema = z.strictObject({
  positive: words,
  negative: words,
  emotions: z.strictObject({ 愤怒: words, "焦虑/担忧": words, 悲伤: words }),
  /** How much of a word's meaning a negator reverses: 1 for 不, 0.6 for 不太. */
  negators: z.record(nonEmpty, z.number().gt(0).max(1)),
  /** Degree words: above 1 strengthens (非常), below 1 weakens (有点). */
  modifiers: z.record(nonEmpty, z.number().gt(0).max(3)),
  /** Sentiment words that are degree words when a sentiment word follows at once (好担心: very worried). */
  degreeBeforeSentiment: z.record(nonEmpty, z.number().gt(0).max(3)).default({}),
  contrast: z.array(nonEmpty).default([]),
  keywordStopWords: z.array(nonEmpty).default([]),
  thresholds: z.strictObject({
    /** A score at or below minus this is negative. */
    negativeBand: z.number().gt(0).lt(1),
    /** A score at or above this is positive. */
    positiveBand: z.number().gt(0).lt(1),
    /** The emotion of a negative message without any emotion word. */
    defaultNegativeEmotion: z.enum(NEGATIVE_EMOTIONS),
  }),
});
export type OpinionLexicon = z.infer<typeof opinionLexiconFileSchema>;
