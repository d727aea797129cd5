// intents/opinion-lexicon.yaml compiled for look-ups. A token means one of: a sentiment
// word (signed strength, and an emotion for negative emotion words), a negator, a degree
// word, a contrast word — or nothing. jieba keeps some phrases whole that hold a negator
// or degree word and a sentiment word (不太好, 非常满意 when not listed themselves):
// such a token is read as its parts. Readings are facts about words, cached per token.
import { NEGATIVE_EMOTIONS, type NegativeEmotion, type OpinionLexicon } from "../knowledge/opinion-lexicon-schema.ts";

export interface WordSense {
  /** Signed strength: positive words above zero, negative (and negative emotion) words below. */
  weight: number;
  emotion?: NegativeEmotion;
}

export type TokenReading =
  /** `negators` and `modifier`: those inside the token itself (不满意, 非常满意). */
  | { kind: "sentiment"; sense: WordSense; negators: number[]; modifier: number }
  | { kind: "negator"; factor: number }
  | { kind: "modifier"; factor: number }
  | { kind: "contrast" }
  | { kind: "none" };

const NONE: TokenReading = { kind: "none" };
const NO_NEGATORS: number[] = [];
/** Particles that may end a token after its sentiment word (太好了, 修好啦). */
const TRAILING_PARTICLES = ["了", "啦"];
/** At most this many negators and degree words are read off the front of one token (不太好: two). */
const MAX_PREFIXES = 2;
const MAX_CACHED_TOKENS = 50_000;

export class SentimentLexicon {
  private readonly senses = new Map<string, WordSense>();
  /** Every prefix of a sentiment word: a run of tokens is extended only while it stays one. */
  private readonly prefixes = new Set<string>();
  private readonly negators: Map<string, number>;
  private readonly modifiers: Map<string, number>;
  private readonly contrast: Set<string>;
  private readonly degreeBefore: Map<string, number>;
  /** Negators and degree words, longest first, for reading them off a token's front. */
  private readonly prefixWords: string[];
  private readonly readings = new Map<string, TokenReading>();

  constructor(readonly lexicon: OpinionLexicon) {
    for (const [word, strength] of Object.entries(lexicon.positive)) this.add(word, { weight: strength });
    for (const [word, strength] of Object.entries(lexicon.negative)) this.add(word, { weight: -strength });
    for (const emotion of NEGATIVE_EMOTIONS) {
      for (const [word, strength] of Object.entries(lexicon.emotions[emotion])) {
        this.add(word, { weight: -strength, emotion });
      }
    }
    this.negators = new Map(Object.entries(lexicon.negators));
    this.modifiers = new Map(Object.entries(lexicon.modifiers));
    this.contrast = new Set(lexicon.contrast);
    this.degreeBefore = new Map(Object.entries(lexicon.degreeBeforeSentiment));
    this.prefixWords = [...this.negators.keys(), ...this.modifiers.keys()].sort((a, b) => b.length - a.length);
  }

  private add(word: string, sense: WordSense): void {
    const key = word.toLowerCase();
    this.senses.set(key, sense);
    for (let end = 1; end < key.length; end++) this.prefixes.add(key.slice(0, end));
  }

  /** The sense of a sentiment word listed exactly so; undefined for any other text. */
  sense(word: string): WordSense | undefined {
    return this.senses.get(word);
  }

  /** The degree of a sentiment word that is a degree word before another (好 in 好担心), if it is one. */
  degreeBeforeSentiment(word: string): number | undefined {
    return this.degreeBefore.get(word);
  }

  /** True when some sentiment word of two or more tokens could start with this text. */
  startsPhrase(text: string): boolean {
    return this.prefixes.has(text);
  }

  /** What one token means. */
  read(token: string): TokenReading {
    let reading = this.readings.get(token);
    if (reading) return reading;
    reading = this.readAfresh(token);
    if (this.readings.size >= MAX_CACHED_TOKENS) this.readings.clear();
    this.readings.set(token, reading);
    return reading;
  }

  private readAfresh(token: string): TokenReading {
    const sense = this.senses.get(token);
    if (sense) return { kind: "sentiment", sense, negators: NO_NEGATORS, modifier: 1 };
    const negator = this.negators.get(token);
    if (negator !== undefined) return { kind: "negator", factor: negator };
    const modifier = this.modifiers.get(token);
    if (modifier !== undefined) return { kind: "modifier", factor: modifier };
    if (this.contrast.has(token)) return { kind: "contrast" };
    return this.readParts(token) ?? NONE;
  }

  /** A token of negators or degree words in front of a sentiment word (不满意, 不太好, 太好了). */
  private readParts(token: string): TokenReading | undefined {
    const negators: number[] = [];
    let modifier = 1;
    let rest = token;
    for (let read = 0; read < MAX_PREFIXES; read++) {
      const prefix = this.prefixWords.find((p) => rest.length > p.length && rest.startsWith(p));
      if (!prefix) break;
      const negator = this.negators.get(prefix);
      if (negator !== undefined) negators.push(negator);
      else modifier *= this.modifiers.get(prefix)!;
      rest = rest.slice(prefix.length);
      const sense = this.senseOf(rest);
      if (sense) return { kind: "sentiment", sense, negators, modifier };
    }
    if (rest === token) {
      // No prefix: perhaps a sentiment word and a particle (修好了 is listed; 满意了 is not).
      const sense = this.senseOf(token);
      if (sense) return { kind: "sentiment", sense, negators: NO_NEGATORS, modifier: 1 };
    }
    return undefined;
  }

  /** The sense of a word, or of the word without a trailing particle. */
  private senseOf(text: string): WordSense | undefined {
    const sense = this.senses.get(text);
    if (sense) return sense;
    for (const particle of TRAILING_PARTICLES) {
      if (text.length > particle.length && text.endsWith(particle)) {
        const stem = this.senses.get(text.slice(0, -particle.length));
        if (stem) return stem;
      }
    }
    return undefined;
  }
}
