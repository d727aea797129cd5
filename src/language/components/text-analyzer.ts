import type { AnalyzedText, Component, Message } from "./component.ts";
import type { HomophoneCorrector } from "../text/homophone-corrector.ts";
import { IntegerMap, shortTextKey } from "../ml/integer-map.ts";
import { normalizeText } from "../text/normalize.ts";
import type { Segmenter } from "../text/segmenter.ts";
import type { SynonymTable } from "../text/synonyms.ts";

const HAN = /\p{Script=Han}/u;
/** Whether a token has a Han character: the common CJK block without a regular expression. */
function hasHan(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0x4e00 && code <= 0x9fff) return true;
  }
  return HAN.test(token);
}

const MAX_CACHED_WORDS = 50_000;

export interface AnalyzerVocabulary {
  /** Words worth finding inside longer tokens: the catalog's own vocabulary. */
  knownWords: ReadonlySet<string>;
  /** Words with no service meaning: 请问, 深圳, 明年. */
  functionWords: ReadonlySet<string>;
}

/** What the analyzer reads of one token, worked out once per distinct token. */
interface TokenReading {
  canonical: string;
  /** Carries meaning: two or more characters, Han, not a function word. */
  content: boolean;
  /** Known sub-words (canonical) of a token longer than two characters. */
  subwords: readonly string[];
}

const NO_SUBWORDS: readonly string[] = [];

export class TextAnalyzer implements Component {
  /**
   * Readings of the tokens seen: one lookup per token instead of four. Tokens come
   * from a bounded dictionary (plus numbers), so this stays small; it is cleared when full.
   * It holds facts about words, never about a message.
   */
  private readonly readings = new Map<string, TokenReading>();
  /**
   * The same for tokens of one or two characters (most of them), keyed by their code
   * units in one integer: a lookup without hashing a fresh string from jieba.
   */
  private readonly shortReadings = new IntegerMap();
  private readonly shortReadingList: TokenReading[] = [];
  private longestKnownWord: number | undefined;

  constructor(
    private readonly segmenter: Segmenter,
    private readonly synonyms: SynonymTable,
    private readonly corrector: HomophoneCorrector,
    private readonly vocabulary: AnalyzerVocabulary,
  ) {}

  /** True when jieba's dictionary knows the word as a noun. */
  isNoun(word: string): boolean {
    return this.segmenter.isNoun(word);
  }

  process(message: Message): void {
    message.analyzed = this.analyze(message.raw);
  }

  analyze(raw: string): AnalyzedText {
    const text = normalizeText(raw);
    const segmented = this.segmenter.segment(text);
    // A copy: the corrector returns its input when nothing needs repair, and tokens are rewritten below.
    const tokens = this.corrector.correct(segmented.slice());
    const words: string[] = [];
    const content: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const reading = this.reading(tokens[i]!);
      tokens[i] = reading.canonical;
      words.push(reading.canonical);
      if (reading.content) content.push(reading.canonical);
      for (const sub of reading.subwords) words.push(sub);
    }
    return { text, segmented, tokens, words, content };
  }

  private reading(token: string): TokenReading {
    const key = shortTextKey(token);
    if (key !== 0) {
      const index = this.shortReadings.get(key);
      if (index >= 0) return this.shortReadingList[index]!;
    } else {
      const known = this.readings.get(token);
      if (known) return known;
    }
    const reading = this.read(token);
    if (this.readings.size + this.shortReadingList.length >= MAX_CACHED_WORDS) {
      this.readings.clear();
      this.shortReadings.clear();
      this.shortReadingList.length = 0;
    }
    if (key !== 0) {
      this.shortReadings.set(key, this.shortReadingList.length);
      this.shortReadingList.push(reading);
    } else this.readings.set(token, reading);
    return reading;
  }

  /** What the analyzer reads of a token, worked out afresh. */
  private read(token: string): TokenReading {
    const canonical = this.synonyms.canonicalize(token);
    const { functionWords } = this.vocabulary;
    return {
      canonical,
      content: token.length > 1 && !functionWords.has(canonical) && !functionWords.has(token) && hasHan(token),
      subwords: token.length > 2 ? this.subwords(token) : NO_SUBWORDS,
    };
  }

  private subwords(token: string): string[] {
    const found: string[] = [];
    // No known word is longer than the longest one: without this bound a 2,000-letter token
    // (one run of Latin letters) cost O(n³) — seconds of a blocked event loop per message.
    this.longestKnownWord ??= [...this.vocabulary.knownWords].reduce((longest, w) => Math.max(longest, w.length), 0);
    for (let length = Math.min(token.length - 1, this.longestKnownWord); length >= 2; length--) {
      for (let start = 0; start + length <= token.length; start++) {
        const sub = token.slice(start, start + length);
        if (this.vocabulary.knownWords.has(sub)) found.push(this.synonyms.canonicalize(sub));
      }
    }
    return found;
  }
}
