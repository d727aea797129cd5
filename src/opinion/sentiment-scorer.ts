// Sentiment: the sentiment words' strengths summed over the message, each adjusted by
// the negators and degree words before it in its clause (at most MAX_GAP other tokens
// away), with everything before a contrast word (但是, 可是) counted at half. The sum
// becomes a score in (-1, 1) — total / (|total| + SCORE_SCALE) — and the label by the
// lexicon's bands. Negative emotion words also count as evidence for their emotion,
// unless negated (不怕 is no fear); other negative words count for the lexicon's default emotion.
import type { NegativeEmotion, OpinionLexicon } from "../knowledge/opinion-lexicon-schema.ts";
import type { OpinionComponent, OpinionMessage, Sentiment } from "./opinion-message.ts";
import type { SentimentLexicon, WordSense } from "./sentiment-lexicon.ts";

/** How many unrelated tokens may stand between a negator or degree word and its sentiment word. */
const MAX_GAP = 2;
/** A negated negative word says less than the positive one would (不差 is not 很好). */
const NEGATED_NEGATIVE_SHARE = 0.5;
/** What a contrast word leaves of everything before it. */
const BEFORE_CONTRAST_SHARE = 0.5;
/** total / (|total| + SCORE_SCALE): one word of strength 2 scores ±0.5. */
const SCORE_SCALE = 2;
/** A sentiment word is made of at most this many tokens (没人/管), so runs stay short. */
const MAX_RUN_TOKENS = 4;

/** Tokens that end a clause: negators and degree words do not reach past them. */
function endsClause(token: string): boolean {
  const c = token.charCodeAt(0);
  // Han characters, ASCII letters and digits are words; the rest of the cut is punctuation and space.
  return !(
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    c >= 0x3400
  );
}

/** A sentiment word's signed strength after its negators (in order, nearest last) and degree. */
export function adjustedWeight(sense: WordSense, negators: readonly number[], modifier: number): number {
  let weight = sense.weight * modifier;
  for (let i = negators.length - 1; i >= 0; i--) {
    const factor = negators[i]!;
    weight = weight > 0 ? -weight * factor : -weight * factor * NEGATED_NEGATIVE_SHARE;
  }
  return weight;
}

export function sentimentLabel(score: number, thresholds: OpinionLexicon["thresholds"]): Sentiment {
  if (score <= -thresholds.negativeBand) return "negative";
  if (score >= thresholds.positiveBand) return "positive";
  return "neutral";
}

export class SentimentScorer implements OpinionComponent {
  readonly name = "sentiment";
  private readonly pendingNegators: number[] = [];

  private readonly defaultEmotion: NegativeEmotion;

  constructor(private readonly lexicon: SentimentLexicon) {
    this.defaultEmotion = lexicon.lexicon.thresholds.defaultNegativeEmotion;
  }

  process(message: OpinionMessage): void {
    const { tokens, emotionEvidence } = message;
    const pending = this.pendingNegators;
    pending.length = 0;
    let modifier = 1;
    let gap = 0;
    let total = 0;
    let negated = 0;
    /** The token just before, when it was a negator. */
    let negatorBefore: string | undefined;
    const reset = () => {
      pending.length = 0;
      modifier = 1;
      gap = 0;
    };
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (endsClause(token)) {
        negatorBefore = undefined;
        reset();
        continue;
      }
      // The longest sentiment word made of this token and the next few (没人/管 → 没人管).
      let run = token;
      let runSense: WordSense | undefined;
      let runEnd = i;
      for (let j = i + 1; j < tokens.length && j - i < MAX_RUN_TOKENS && this.lexicon.startsPhrase(run); j++) {
        run += tokens[j]!;
        const sense = this.lexicon.sense(run);
        if (sense) {
          runSense = sense;
          runEnd = j;
        }
      }
      /** The text the reading is of (a negator joined with its degree word: 不太). */
      let read = token;
      let reading = runSense
        ? { kind: "sentiment" as const, sense: runSense, negators: [], modifier: 1 }
        : this.lexicon.read(token);
      // A negator cut off from the degree word it goes with (不/太好 is 不太/好: mildly bad, not very bad).
      if (reading.kind === "sentiment" && negatorBefore !== undefined && !runSense) {
        const joined = this.lexicon.read(negatorBefore + token);
        if (joined.kind === "sentiment" && joined.sense === reading.sense) {
          pending.pop();
          reading = joined;
        }
      }
      // 好 before a sentiment word is "very" (好/担心), not praise.
      if (reading.kind === "sentiment" && !runSense && i + 1 < tokens.length) {
        const degree = this.lexicon.degreeBeforeSentiment(token);
        if (degree !== undefined && this.lexicon.read(tokens[i + 1]!).kind === "sentiment")
          reading = { kind: "modifier", factor: degree };
      }
      // …or from its degree word as a token of its own (不/太/好): the two are the weaker negator 不太.
      if (reading.kind === "modifier" && negatorBefore !== undefined) {
        const joined = this.lexicon.read(negatorBefore + token);
        if (joined.kind === "negator") {
          pending.pop();
          reading = joined;
          read = negatorBefore + token;
        }
      }
      negatorBefore = reading.kind === "negator" ? read : undefined;
      switch (reading.kind) {
        case "sentiment": {
          const negators = reading.negators.length > 0 ? [...pending, ...reading.negators] : pending;
          const weight = adjustedWeight(reading.sense, negators, modifier * reading.modifier);
          total += weight;
          if (negators.length > 0) negated++;
          // A negative word without an emotion of its own (推诿, 臭气熏天) speaks for the default one.
          const emotion = reading.sense.emotion ?? (weight < 0 ? this.defaultEmotion : undefined);
          if (emotion && negators.length === 0) emotionEvidence[emotion] += -weight;
          reset();
          i = runEnd;
          break;
        }
        case "negator":
          // The A-not-A question (会/不会, 能/不能) asks; it does not negate.
          if (i > 0 && tokens[i - 1] === read.slice(1)) break;
          pending.push(reading.factor);
          gap = 0;
          break;
        case "modifier":
          modifier *= reading.factor;
          gap = 0;
          break;
        case "contrast":
          total *= BEFORE_CONTRAST_SHARE;
          for (const emotion of Object.keys(emotionEvidence) as (keyof typeof emotionEvidence)[])
            emotionEvidence[emotion] *= BEFORE_CONTRAST_SHARE;
          reset();
          break;
        default:
          if (++gap > MAX_GAP) reset();
      }
    }
    message.sentimentTotal = total;
    message.negatedWords = negated;
    message.sentimentScore = total === 0 ? 0 : Math.round((total / (Math.abs(total) + SCORE_SCALE)) * 1000) / 1000;
    message.sentiment = sentimentLabel(message.sentimentScore, this.lexicon.lexicon.thresholds);
  }
}
