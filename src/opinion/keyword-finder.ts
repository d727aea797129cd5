// Keywords: the city's own words for matters found in the message (the case categories' and
// the departments' keywords: 井盖, 飞线充电), then its most distinctive words by jieba's
// TF-IDF, cut by the shared segmenter — which knows the catalog's item names and aliases and
// the gazetteer's names, so 住房公积金 and 人民路街道 stay whole. The city's words are found in
// the text as written, not through jieba: its dictionary lacks some (井盖 is cut 井/盖, and
// single characters are never keywords), and teaching it would change how the chat's
// understanding cuts every message in the process.
import type { KeywordExtractor } from "../language/text/keyword-extractor.ts";
import { inListOrder, PhraseIndex, removePhrases } from "../language/text/phrase-index.ts";
import type { OpinionComponent, OpinionMessage } from "./opinion-message.ts";

export const KEYWORDS_PER_MESSAGE = 5;

export class KeywordFinder implements OpinionComponent {
  readonly name = "keywords";
  /** Longest first: a word inside a longer one found (垃圾 in 垃圾桶) does not count again. */
  private readonly cityWords: PhraseIndex;

  constructor(
    private readonly extractor: KeywordExtractor,
    cityWords: Iterable<string> = [],
    private readonly count = KEYWORDS_PER_MESSAGE,
  ) {
    this.cityWords = new PhraseIndex(
      [...new Set(cityWords)].filter((w) => w.length >= 2).sort((a, b) => b.length - a.length),
    );
  }

  process(message: OpinionMessage): void {
    message.keywords = message.text.length > 0 ? this.keywordsOf(message.text) : [];
  }

  private keywordsOf(text: string): string[] {
    const { phrases, lengthOf } = this.cityWords;
    const { counted } = removePhrases(text, this.cityWords.find(text), lengthOf, inListOrder);
    const found = counted.slice(0, this.count).map((phrase) => phrases[phrase]!);
    for (const keyword of this.extractor.extract(text, this.count)) {
      if (found.length === this.count) break;
      if (!found.some((word) => word.includes(keyword))) found.push(keyword);
    }
    return found;
  }
}
