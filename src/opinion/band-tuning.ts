// Choosing the sentiment bands (intents/opinion-lexicon.yaml → thresholds) on labelled
// messages: the analysis's scores do not depend on the bands, so each candidate pair is
// judged on the same scores. The messages are split in two halves by the first bit of
// each text's SHA-256: the bands are chosen on the "tune" half and reported on the
// "check" half, which they never saw.
import { createHash } from "node:crypto";
import type { OpinionLexicon } from "../knowledge/opinion-lexicon-schema.ts";
import { type TaskReport, taskReport } from "../language/ml/metrics.ts";
import type { Sentiment } from "./opinion-message.ts";
import { sentimentLabel } from "./sentiment-scorer.ts";

export interface ScoredMessage {
  text: string;
  score: number;
  truth: Sentiment;
}

/** Candidate bands: 0.05, 0.10, … 0.60. */
export const BAND_GRID = Array.from({ length: 12 }, (_, i) => Math.round((i + 1) * 5) / 100);

export function isTuneHalf(text: string): boolean {
  return (createHash("sha256").update(text).digest()[0]! & 0x80) === 0;
}

export function reportAt(messages: readonly ScoredMessage[], bands: OpinionLexicon["thresholds"]): TaskReport {
  return taskReport(messages.map((m) => ({ truth: m.truth, predicted: sentimentLabel(m.score, bands) })));
}

/** The bands with the best sentiment macro-F1 on the messages (the narrower bands on a tie). */
export function bestBands(
  messages: readonly ScoredMessage[],
  defaultNegativeEmotion: OpinionLexicon["thresholds"]["defaultNegativeEmotion"],
): { bands: OpinionLexicon["thresholds"]; macroF1: number } {
  let best = { bands: { negativeBand: 0, positiveBand: 0, defaultNegativeEmotion }, macroF1: -1 };
  for (const negativeBand of BAND_GRID) {
    for (const positiveBand of BAND_GRID) {
      const bands = { negativeBand, positiveBand, defaultNegativeEmotion };
      const macroF1 = reportAt(messages, bands).macroF1 ?? 0;
      if (macroF1 > best.macroF1 + 1e-9) best = { bands, macroF1 };
    }
  }
  return best;
}
