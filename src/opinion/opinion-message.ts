// One message as the opinion components fill it in, the interface every component
// implements, and the analysis the pipeline answers with.
import type { RegionLevel } from "../knowledge/gazetteer-schema.ts";
import type { Emotion, NegativeEmotion } from "../knowledge/opinion-lexicon-schema.ts";

export type Sentiment = "negative" | "neutral" | "positive";

export interface PlaceMention {
  /** The gazetteer's standard name, whichever alias the message used. */
  name: string;
  code: string;
  level: RegionLevel;
}

/** What analyzeMessage answers (the CLI prints it as one JSON line). */
export interface OpinionAnalysis {
  sentiment: Sentiment;
  /** In (-1, 1): below zero negative, above zero positive; 0 when no sentiment word counts. */
  sentimentScore: number;
  emotion: Emotion;
  keywords: string[];
  places: PlaceMention[];
}

/** The message while the components work on it; each reads what the ones before it wrote. */
export interface OpinionMessage {
  raw: string;
  /** normalizeText(raw). */
  text: string;
  /** jieba's cut of `text`, punctuation kept (it ends clauses). */
  tokens: string[];
  /** The signed sum of the sentiment words' strengths. */
  sentimentTotal: number;
  /** How many of the sentiment words were read under a negator (不差, 不会有危险, 不怕). */
  negatedWords: number;
  sentiment: Sentiment;
  sentimentScore: number;
  /** How strongly each negative emotion's words speak (not negated ones). */
  emotionEvidence: Record<NegativeEmotion, number>;
  emotion: Emotion;
  keywords: string[];
  places: PlaceMention[];
}

export interface OpinionComponent {
  readonly name: string;
  process(message: OpinionMessage): void;
}

export function newOpinionMessage(raw: string): OpinionMessage {
  return {
    raw,
    text: "",
    tokens: [],
    sentimentTotal: 0,
    negatedWords: 0,
    sentiment: "neutral",
    sentimentScore: 0,
    emotionEvidence: { 愤怒: 0, "焦虑/担忧": 0, 悲伤: 0 },
    emotion: "中性",
    keywords: [],
    places: [],
  };
}
