// Keywords of a text by TF-IDF, with jieba's own extractor and idf table, cut by the
// shared segmenter — so the catalog's and the city's words given to the segmenter
// (住房公积金, 人民路街道) stay whole keywords. Words missing from the idf table (such
// user words) get its median idf.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { TfIdf } from "@node-rs/jieba";
import type { Segmenter } from "./segmenter.ts";

/** jieba's idf table (idf.txt, 6 MB of text), read when an extractor is built and then let go. */
function idfBytes(): Uint8Array {
  return readFileSync(createRequire(import.meta.url).resolve("@node-rs/jieba/idf.txt"));
}

/** Digits, ASCII and punctuation only: never a keyword (dates, counts, "ok"). */
const NOT_A_WORD = /^[\p{N}\p{P}\p{S}a-z\s]*$/u;

/** How many candidates are asked of jieba per keyword wanted: stop words are dropped afterwards. */
const CANDIDATES_PER_KEYWORD = 3;

export class KeywordExtractor {
  private readonly tfidf: TfIdf;
  private readonly stopWords: ReadonlySet<string>;

  /** `stopWords` are never keywords; keywords have at least two characters. */
  constructor(
    private readonly segmenter: Segmenter,
    stopWords: Iterable<string>,
  ) {
    this.tfidf = TfIdf.withDict(idfBytes());
    // jieba's own stop words stay (English and a few Chinese ones); ours are dropped from its
    // answer, because @node-rs/jieba 2.0.3 cannot take a stop word list (setConfig throws
    // "Failed to convert JavaScript value `Undefined` into rust type `String`" for any).
    this.tfidf.setConfig({ minKeywordLength: 2, useHmm: false });
    this.stopWords = new Set(stopWords);
  }

  /** Up to `topK` keywords, the most distinctive first (ties in jieba's order). */
  extract(text: string, topK: number): string[] {
    const found = this.segmenter.tfIdfKeywords(this.tfidf, text, topK * CANDIDATES_PER_KEYWORD);
    const keywords: string[] = [];
    for (const { keyword } of found) {
      if (keywords.length === topK) break;
      if (!this.stopWords.has(keyword) && !NOT_A_WORD.test(keyword)) keywords.push(keyword);
    }
    return keywords;
  }
}
