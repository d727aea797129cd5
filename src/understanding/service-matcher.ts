// Step 3 (retrieve and re-rank): which catalog item a question is about, and how sure
// the hub may be. Three kinds of evidence, combined by a trained re-ranker:
//   - BM25 over words and Han bigrams, one document per item, and the share of the
//     question's weight the item explains (a word no item uses — 天气, 专利 — counts
//     against every match: it may be what the question is really about);
//   - BM25 against each single example question (phrasing close to one example);
//   - a softmax classifier over items plus "none of them", trained on the items' names,
//     aliases and examples and on questions the catalog does not cover.
// The re-ranker is a logistic regression trained on held-out folds of the same data,
// so its output is a calibrated probability that the candidate is the right item.
import type { ServiceItem } from "../catalog/catalog-schema.ts";
import { Bm25Index } from "./bm25-index.ts";
import { FeatureVocabulary, type Terms as VocabularyTerms } from "./feature-vocabulary.ts";
import { LogisticRegression } from "./logistic-regression.ts";
import { SoftmaxClassifier, type TrainingSample } from "./softmax-classifier.ts";

/** Weight of a word no catalog text uses, relative to the rarest known word. */
const UNSEEN_WORD_WEIGHT = 0.5;
const RETRIEVED = 5;
/** Evidence per candidate: the re-ranker's inputs (see Evidence.candidates). */
const FEATURE_COUNT = 12;
/** Candidates per question: the BM25 top RETRIEVED and the classifier's top 3. */
const MAX_CANDIDATES = RETRIEVED + 3;

/** A candidate item; its evidence is FEATURE_COUNT numbers from `at` in Evidence.rows. */
interface RawCandidate {
  item: number;
  coverage: number;
  explains: number;
  at: number;
}
const FOLDS = 5;
// Features in more than this share of the example questions (怎么, 办理) are left out of
// the per-example search: they barely move its scores and their postings are the longest.
const EXAMPLE_INDEX_MAX_SHARE = 0.05;

/** What the matcher reads of a text (see TextAnalyzer). */
export interface Terms extends VocabularyTerms {
  /** Tokens that carry meaning: a question is about them. */
  content: readonly string[];
}

export interface ServiceCandidate {
  item: ServiceItem;
  /** Calibrated probability (0–1) that this is the item the question is about. */
  probability: number;
  /** Share of the question's weight that the item explains (0–1). */
  coverage: number;
  /** Which of the question's meaningful words the item uses (bit i = content word i). */
  explains: number;
}

/** A training text: analyzed terms and the item it belongs to (undefined: out of scope). */
interface LabeledText {
  terms: Terms;
  item: number | undefined;
  /** Examples and out-of-scope questions are held out in folds; names and aliases never are. */
  fold: number | undefined;
}

export interface MatcherTrainingData {
  items: ServiceItem[];
  /** Analyzed texts per item: name, aliases, then examples. */
  itemTexts: { terms: Terms; isExample: boolean }[][];
  /** Analyzed questions the catalog does not answer. */
  outOfScope: Terms[];
  /** Whether a word is a noun (jieba's dictionary): an unfamiliar noun may be the real topic. */
  isNoun(word: string): boolean;
}

/** One set of models built from some of the texts (all of them, or all but one fold). */
class Evidence {
  private readonly vocabulary = new FeatureVocabulary();
  private readonly itemIndex: Bm25Index;
  private readonly exampleIndex: Bm25Index;
  private readonly exampleItem: Int32Array;
  /** itemUses[item * vocabulary size + id] = 1 when the item's texts use word feature id. */
  private readonly itemUses: Uint8Array;
  /** 1 for feature ids that some item's texts use (the others come from out-of-scope questions). */
  private readonly usedByItems: Uint8Array;
  /** Words the items use and their parts (人才落户 makes 人才 familiar): no sign of a foreign topic. */
  private readonly familiar = new Set<string>();
  private readonly classifier: SoftmaxClassifier;
  private readonly itemCount: number;
  // Scratch buffers: matching allocates little.
  private readonly scores: Float64Array;
  private readonly matched: Float64Array;
  private readonly exampleScores: Float64Array;
  private readonly touched: Int32Array;
  private readonly bestExample: Float64Array;
  private readonly nouns = new Map<string, boolean>();
  private readonly probabilities: Float64Array;
  /** The last question's candidate evidence, FEATURE_COUNT numbers per candidate (overwritten by the next). */
  readonly rows = new Float64Array(MAX_CANDIDATES * FEATURE_COUNT);

  constructor(
    texts: LabeledText[],
    itemCount: number,
    private readonly isNoun: (word: string) => boolean,
  ) {
    this.itemCount = itemCount;
    for (const { terms, item } of texts) {
      if (item === undefined) continue;
      for (const word of terms.words) {
        for (let length = 2; length <= word.length; length++) {
          for (let start = 0; start + length <= word.length; start++) this.familiar.add(word.slice(start, start + length));
        }
      }
    }
    const featuresOf = texts.map((t) => this.vocabulary.learn(t.terms));
    const size = this.vocabulary.size;
    this.itemUses = new Uint8Array(itemCount * size);
    this.usedByItems = new Uint8Array(size);
    texts.forEach((t) => {
      if (t.item === undefined) return;
      for (const word of t.terms.words) {
        const id = this.vocabulary.wordId(word);
        this.itemUses[t.item * size + id] = 1;
        this.usedByItems[id] = 1;
      }
    });
    const itemDocs: number[][] = Array.from({ length: itemCount }, () => []);
    const exampleDocs: number[][] = [];
    const exampleItem: number[] = [];
    const samples: TrainingSample[] = [];
    texts.forEach((text, i) => {
      const features = featuresOf[i]!;
      samples.push({ features, label: text.item ?? itemCount });
      if (text.item === undefined) return;
      itemDocs[text.item]!.push(...features);
      exampleDocs.push(features);
      exampleItem.push(text.item);
    });
    this.itemIndex = new Bm25Index(itemDocs, size);
    this.exampleIndex = new Bm25Index(exampleDocs, size, EXAMPLE_INDEX_MAX_SHARE);
    this.exampleItem = Int32Array.from(exampleItem);
    this.classifier = SoftmaxClassifier.train(samples, size, itemCount + 1);
    this.scores = new Float64Array(itemCount);
    this.matched = new Float64Array(itemCount);
    this.exampleScores = new Float64Array(exampleDocs.length);
    this.touched = new Int32Array(exampleDocs.length);
    this.bestExample = new Float64Array(itemCount);
    this.probabilities = new Float64Array(itemCount + 1);
  }

  /** Candidate items; their evidence for the re-ranker is in `rows` until the next call. */
  candidates(terms: Terms): RawCandidate[] {
    const { ids, unseenWords } = this.vocabulary.features(terms);
    if (ids.length === 0) return [];
    const { scores, matched, exampleScores, touched, bestExample, probabilities, itemCount } = this;
    scores.fill(0);
    matched.fill(0);
    bestExample.fill(0);
    this.itemIndex.score(ids, scores, matched);
    this.classifier.predictInto(ids, probabilities);
    // The closest single example of each item (then the example scores are zeroed again).
    const hits = this.exampleIndex.scoreSparse(ids, exampleScores, touched);
    for (let k = 0; k < hits; k++) {
      const e = touched[k]!;
      const item = this.exampleItem[e]!;
      if (exampleScores[e]! > bestExample[item]!) bestExample[item] = exampleScores[e]!;
      exampleScores[e] = 0;
    }

    let known = 0;
    for (const f of ids) known += this.itemIndex.idf(f);
    const maxIdf = this.itemIndex.maxIdf;
    const unseen = unseenWords.length * maxIdf * UNSEEN_WORD_WEIGHT;
    const queryWeight = known + unseen;

    const picked = topIndexes(scores, RETRIEVED);
    for (const c of topIndexes(probabilities, 3, itemCount)) if (!picked.includes(c)) picked.push(c);
    let topScore = 1e-9;
    let topExample = 1e-9;
    for (const c of picked) {
      topScore = Math.max(topScore, scores[c]!);
      topExample = Math.max(topExample, bestExample[c]!);
    }
    const none = probabilities[itemCount]!;
    // The meaningful words of the question and their weight (a word no item uses weighs most).
    const content = terms.content;
    const contentIds: number[] = [];
    const contentIdfs: number[] = [];
    let contentWeight = 0;
    let foreignNoun = 0;
    for (const word of content) {
      const id = this.vocabulary.wordId(word);
      const idf = id < 0 ? maxIdf : Math.max(this.itemIndex.idf(id), 0.1);
      contentIds.push(id);
      contentIdfs.push(idf);
      contentWeight += idf;
      const familiar = (id >= 0 && this.usedByItems[id] === 1) || this.familiar.has(word);
      if (foreignNoun === 0 && !familiar && this.noun(word)) foreignNoun = 1;
    }

    const out: RawCandidate[] = [];
    const row = this.rows;
    for (const c of picked) {
      if (!(scores[c]! > 0 || probabilities[c]! > 0.05)) continue;
      const coverage = matched[c]! / queryWeight;
      // The most specific meaningful word this item does not explain (专利, 银行, 二手车).
      let missing = 0;
      let explained = 0;
      let explains = 0;
      const uses = c * this.usedByItems.length;
      for (let i = 0; i < contentIds.length; i++) {
        const id = contentIds[i]!;
        if (id >= 0 && this.itemUses[uses + id] === 1) {
          explained += contentIdfs[i]!;
          if (i < 31) explains |= 1 << i;
        } else if (contentIdfs[i]! > missing) missing = contentIdfs[i]!;
      }
      let otherProbability = 0;
      let otherScore = 0;
      for (const o of picked) {
        if (o === c) continue;
        if (probabilities[o]! > otherProbability) otherProbability = probabilities[o]!;
        if (scores[o]! > otherScore) otherScore = scores[o]!;
      }
      // Into one reused buffer: a typed array per candidate cost ~5% of all matching time.
      const at = out.length * FEATURE_COUNT;
      row[at] = missing / maxIdf;
      row[at + 1] = contentWeight > 0 ? explained / contentWeight : 0;
      row[at + 2] = content.length === 0 ? 1 : 0;
      row[at + 3] = foreignNoun;
      row[at + 4] = probabilities[c]!;
      row[at + 5] = none;
      row[at + 6] = coverage;
      row[at + 7] = scores[c]! / topScore;
      row[at + 8] = bestExample[c]! / topExample;
      row[at + 9] = unseen / queryWeight;
      row[at + 10] = probabilities[c]! - otherProbability;
      row[at + 11] = (scores[c]! - otherScore) / topScore;
      out.push({ item: c, coverage, explains, at });
    }
    return out;
  }

  /** Whether jieba knows the word as a noun; remembered, since citizens repeat their words. */
  private noun(word: string): boolean {
    let noun = this.nouns.get(word);
    if (noun === undefined) {
      noun = this.isNoun(word);
      if (this.nouns.size >= 50_000) this.nouns.clear();
      this.nouns.set(word, noun);
    }
    return noun;
  }
}

export class ServiceMatcher {
  private readonly items: ServiceItem[];
  private readonly evidence: Evidence;
  private readonly reranker: LogisticRegression;

  constructor(data: MatcherTrainingData) {
    this.items = data.items;
    const texts: LabeledText[] = [];
    data.itemTexts.forEach((list, item) => {
      let example = 0;
      for (const { terms, isExample } of list) texts.push({ terms, item, fold: isExample ? (item + example++) % FOLDS : undefined });
    });
    data.outOfScope.forEach((terms, i) => texts.push({ terms, item: undefined, fold: i % FOLDS }));

    // Held-out evidence for every example and out-of-scope question trains the re-ranker.
    const rows: Float64Array[] = [];
    const labels: number[] = [];
    for (let fold = 0; fold < FOLDS; fold++) {
      const evidence = new Evidence(
        texts.filter((t) => t.fold !== fold),
        data.items.length,
        data.isNoun,
      );
      for (const text of texts) {
        if (text.fold !== fold) continue;
        for (const candidate of evidence.candidates(text.terms)) {
          rows.push(evidence.rows.slice(candidate.at, candidate.at + FEATURE_COUNT));
          labels.push(candidate.item === text.item ? 1 : 0);
        }
      }
    }
    this.reranker = LogisticRegression.train(rows, labels);
    this.evidence = new Evidence(texts, data.items.length, data.isNoun);
  }

  /** Candidate items, most probable first. */
  match(terms: Terms, limit = 3): ServiceCandidate[] {
    const { rows } = this.evidence;
    return this.evidence
      .candidates(terms)
      .map((c) => ({ item: this.items[c.item]!, probability: this.reranker.probability(rows, c.at), coverage: c.coverage, explains: c.explains }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, limit);
  }
}

/** Indexes of the `count` largest positive values among the first `length`, largest first. */
function topIndexes(values: ArrayLike<number>, count: number, length = values.length): number[] {
  const top: number[] = [];
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (v <= 0 || (top.length === count && v <= values[top[count - 1]!]!)) continue;
    // Insertion into a list of at most `count` entries.
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && values[top[at - 1]!]! < v) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}
