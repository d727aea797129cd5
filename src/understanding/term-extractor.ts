// Turns normalized text into retrieval terms: canonical words plus character bigrams.
// Words carry meaning; bigrams catch what segmentation splits differently
// ("身份证补办" vs "补办身份证") and survive unknown words.
import type { Segmenter } from "./segmenter.ts";
import type { SynonymTable } from "./synonyms.ts";

const HAN = /\p{Script=Han}/u;

export class TermExtractor {
  constructor(
    private readonly segmenter: Segmenter,
    private readonly synonyms: SynonymTable,
  ) {}

  /** Canonical words of already-normalized text. */
  words(normalized: string): string[] {
    return this.segmenter.segment(normalized).map((w) => this.synonyms.canonicalize(w));
  }

  /** Words (prefixed "w:") and Han bigrams (prefixed "b:") for the index. */
  terms(words: string[]): string[] {
    const terms = words.map((w) => `w:${w}`);
    const chars = [...words.join("")];
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i]!;
      const b = chars[i + 1]!;
      if (HAN.test(a) && HAN.test(b)) terms.push(`b:${a}${b}`);
    }
    return terms;
  }
}
