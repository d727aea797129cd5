// Keywords: the message's most distinctive words by jieba's TF-IDF, cut by the shared
// segmenter — which knows the catalog's item names and aliases and the gazetteer's
// names, so 住房公积金 and 人民路街道 stay whole.
import type { KeywordExtractor } from "../language/text/keyword-extractor.ts";
import type { OpinionComponent, OpinionMessage } from "./opinion-message.ts";

export const KEYWORDS_PER_MESSAGE = 5;

export class KeywordFinder implements OpinionComponent {
  readonly name = "keywords";

  constructor(
    private readonly extractor: KeywordExtractor,
    private readonly count = KEYWORDS_PER_MESSAGE,
  ) {}

  process(message: OpinionMessage): void {
    message.keywords = message.text.length > 0 ? this.extractor.extract(message.text, this.count) : [];
  }
}
