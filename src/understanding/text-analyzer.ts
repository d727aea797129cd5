// Steps 1–2 of the language pipeline: normalize, segment, repair typos, and map each
// word to its canonical form, so that the way a citizen writes a thing does not
// change what they are understood to ask.
import type { Terms } from "./feature-vocabulary.ts";
import type { HomophoneCorrector } from "./homophone-corrector.ts";
import { normalizeText } from "./normalize.ts";
import type { Segmenter } from "./segmenter.ts";
import type { SynonymTable } from "./synonyms.ts";

export interface AnalyzedText extends Terms {
  /** The normalized text (half-width, simplified, no emoji, lower case). */
  text: string;
  /** Canonical tokens in order, typos repaired: 身分正 → 居民身份证. */
  tokens: string[];
  /** The tokens plus the known words inside longer ones (身份证丢了 → 居民身份证, 丢了). */
  words: string[];
  /** Tokens that carry meaning (two or more characters, Han, not a function word like 请问). */
  content: string[];
  /** Content nouns no catalog item uses (专利, 公务员): the question may be about something else. */
  foreignNouns: string[];
}

const HAN = /\p{Script=Han}/u;

const MAX_CACHED_WORDS = 50_000;

export class TextAnalyzer {
  /** Known sub-words of long tokens; tokens come from a bounded dictionary, so this stays small. */
  private readonly subwordCache = new Map<string, string[]>();

  constructor(
    private readonly segmenter: Segmenter,
    private readonly synonyms: SynonymTable,
    private readonly corrector: HomophoneCorrector,
    /** Words worth finding inside longer tokens: the catalog's own vocabulary. */
    private readonly knownWords: ReadonlySet<string>,
    private readonly functionWords: ReadonlySet<string>,
  ) {}

  analyze(raw: string): AnalyzedText {
    const text = normalizeText(raw);
    const tokens = this.corrector.correct(this.segmenter.segment(text));
    const words: string[] = [];
    const content: string[] = [];
    const foreignNouns: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const canonical = this.synonyms.canonicalize(token);
      tokens[i] = canonical;
      words.push(canonical);
      if (token.length > 1 && !this.functionWords.has(canonical) && !this.functionWords.has(token) && HAN.test(token)) {
        content.push(canonical);
        if (!this.knownWords.has(canonical) && this.segmenter.isNoun(token)) foreignNouns.push(token);
      }
      if (token.length > 2) for (const sub of this.subwords(token)) words.push(sub);
    }
    return { text, tokens, words, content, foreignNouns };
  }

  private subwords(token: string): string[] {
    let found = this.subwordCache.get(token);
    if (found) return found;
    found = [];
    for (let length = token.length - 1; length >= 2; length--) {
      for (let start = 0; start + length <= token.length; start++) {
        const sub = token.slice(start, start + length);
        if (this.knownWords.has(sub)) found.push(this.synonyms.canonicalize(sub));
      }
    }
    if (this.subwordCache.size >= MAX_CACHED_WORDS) this.subwordCache.clear();
    this.subwordCache.set(token, found);
    return found;
  }
}
