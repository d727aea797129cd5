// Step 3 (retrieve): finds the catalog items a question is about. Each item is one
// document made of its name, aliases and example questions, so a word's weight
// reflects how many *items* use it: "护照" is decisive, "多少钱" is not.
import type { ServiceItem } from "../catalog/catalog-schema.ts";
import { Bm25Index } from "./bm25-index.ts";
import { normalizeText } from "./normalize.ts";
import type { TermExtractor } from "./term-extractor.ts";

// A word no item uses counts against a match (it may be what the question is really
// about: 天气, 股票), but at half weight, since citizens add words the examples lack.
// Tuned on leave-one-out over the catalog's examples plus out-of-catalog questions.
const UNSEEN_TERM_WEIGHT = 0.5;

export interface ServiceCandidate {
  item: ServiceItem;
  score: number;
  /** Share of the question's weight that the item explains (0–1). */
  coverage: number;
}

export class ServiceMatcher {
  private readonly index = new Bm25Index<ServiceItem>();

  constructor(
    items: ServiceItem[],
    private readonly extractor: TermExtractor,
  ) {
    for (const item of items) {
      const texts = [item.name, ...item.aliases, ...item.examples];
      this.index.add(item, texts.flatMap((text) => extractor.terms(extractor.words(normalizeText(text)))));
    }
  }

  match(words: string[], limit = 3): ServiceCandidate[] {
    const terms = [...new Set(this.extractor.terms(words))];
    if (terms.length === 0) return [];
    const queryWeight = terms.reduce((sum, t) => sum + this.index.idf(t) * (this.index.has(t) ? 1 : UNSEEN_TERM_WEIGHT), 0);
    return this.index
      .search(terms, limit)
      .map((hit) => ({ item: hit.key, score: hit.score, coverage: hit.matchedWeight / queryWeight }));
  }
}
