// Step 2: Chinese word segmentation (jieba), taught the catalog's own vocabulary so
// that "住房公积金" or "港澳通行证" stay whole words.
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";

// jieba's dictionary format: "word frequency", one per line. A high frequency makes
// the user's words win over the general dictionary's splits.
const USER_WORD_FREQUENCY = 200_000;
const PUNCTUATION_OR_SPACE = /^[\s\p{P}\p{S}]+$/u;

export class Segmenter {
  private readonly jieba: Jieba;

  constructor(userWords: Iterable<string>) {
    this.jieba = Jieba.withDict(dict);
    const lines = [...new Set(userWords)]
      .map((word) => word.trim())
      .filter((word) => word.length > 1 && !/\s/.test(word))
      .map((word) => `${word} ${USER_WORD_FREQUENCY}`);
    if (lines.length > 0) this.jieba.loadDict(Buffer.from(lines.join("\n"), "utf8"));
  }

  /** Words of the text, punctuation and spaces dropped; digits and ASCII runs stay whole. */
  segment(text: string): string[] {
    return this.jieba.cutForSearch(text, true).filter((token) => !PUNCTUATION_OR_SPACE.test(token));
  }
}
