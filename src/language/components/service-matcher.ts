// Step 3 (retrieve and re-rank): which catalog item a question is about, and how sure
// the hub may be. Three kinds of evidence, combined by a trained re-ranker:
//   - BM25 over words and Han bigrams, one document per item, and the share of the
//     question's weight the item explains (a word no item uses — 天气, 专利 — counts
//     against every match: it may be what the question is really about);
//   - BM25 against each single example question (phrasing close to one example);
//   - a softmax classifier over items plus "none of them", trained on the items' names,
//     aliases and examples and on questions the catalog does not cover (sparse: a word
//     has weights only for the items whose texts use it, so a city's catalog loads in seconds).
// and whether the question names the item's head concept (head-concepts.ts: 驾驶证 + 换,
// not just 驾照). The re-ranker is a logistic regression trained on held-out folds of the
// same data, so its output is a calibrated probability that the candidate is the right item.
import type { ServiceItem } from "../../knowledge/catalog-schema.ts";
import { Bm25Index } from "../ml/bm25-index.ts";
import { FeatureVocabulary, type Terms as VocabularyTerms } from "../ml/feature-vocabulary.ts";
import { LogisticRegression } from "../ml/logistic-regression.ts";
import { SoftmaxClassifier, type TrainingSample } from "../ml/softmax-classifier.ts";
import type { ServiceCandidate, Component, Message } from "./component.ts";
import type { MatcherState } from "./matcher-state.ts";
import { type HeadConcepts, HeadLevel, hasActions } from "./head-concepts.ts";

/** A word more items use than this is common service wording (申请, 办理), nobody's own. */
const MAX_OWNERS = 3;
/** Weight of a word no catalog text uses, relative to the rarest known word. */
const UNSEEN_WORD_WEIGHT = 0.5;
const RETRIEVED = 5;
/** Evidence per candidate: the re-ranker's inputs (see Evidence.candidates). */
const FEATURE_COUNT = 15;
/** Candidates per question: the BM25 top RETRIEVED and the classifier's top 3. */
const MAX_CANDIDATES = RETRIEVED + 3;

/**
 * The last question's candidates, overwritten by the next: candidate k is item[k],
 * with its evidence (FEATURE_COUNT numbers) from k * FEATURE_COUNT in `rows`. Flat
 * arrays reused question after question: a question allocates no candidate objects.
 */
interface Candidates {
  count: number;
  item: Int32Array;
  coverage: Float64Array;
  explains: Int32Array;
  head: Int8Array;
  rows: Float64Array;
}
const FOLDS = 5;
/** Epochs of the item classifier: the one that answers (at most: see classifierEpochs), and each held-out fold's. */
const EPOCHS = 14;
// The fold models only show the re-ranker how the classifier's evidence looks on questions
// it did not learn from: a third of the epochs gives the same top-1 on the eval sets (a
// question or two answered or clarified otherwise) and cuts a city's catalog load by a third.
const FOLD_EPOCHS = 5;
// Training steps (texts × epochs) enough for the model that answers: the sample catalog's
// 1,507 texts take all 14 epochs (21,000 steps); a city's 12,307 (1,241 items) take 10,
// still six times the steps, and the load ~0.2 s less (top-1 on the eval: one question more).
const MAX_TRAINING_STEPS = 125_000;

/** Epochs of the item classifier that answers, for this many training texts. */
export function classifierEpochs(texts: number): number {
  return Math.max(FOLD_EPOCHS, Math.min(EPOCHS, Math.round(MAX_TRAINING_STEPS / Math.max(1, texts))));
}

// Held-out questions enough to fit the re-ranker (16 weights) and to count the sole-head
// events: fold models are built, in order, until this many questions have held-out evidence.
// The sample catalog's 650 need all five folds; a city's ~10,250 (1,241 items) are sampled
// well enough by two folds' ~4,100, and each fold model costs four fifths of the model
// that answers: three fewer cut that catalog's load by about a quarter.
const HELD_OUT_QUESTIONS = 4_000;
// Features in more than this share of the example questions (怎么, 办理) are left out of
// the per-example search: they barely move its scores and their postings are the longest.
const EXAMPLE_INDEX_MAX_SHARE = 0.05;

/** What the matcher reads of a text (see TextAnalyzer). */
export interface Terms extends VocabularyTerms {
  /** The normalized text (where head concepts are looked for, with the canonical tokens). */
  text: string;
  /** Tokens that carry meaning: a question is about them. */
  content: readonly string[];
}

/** A training text: analyzed terms and the item it belongs to (undefined: out of scope). */
interface LabeledText {
  terms: Terms;
  /** Its feature ids in the shared vocabulary (all texts'), learned once for every model. */
  features: Int32Array;
  /** The feature ids of its words (terms.words), in order. */
  wordIds: Int32Array;
  item: number | undefined;
  /** Examples and out-of-scope questions are held out in folds; names and aliases never are. */
  fold: number | undefined;
}

/**
 * What the models of one load share, worked out once for all of them: the vocabulary
 * of every text, and the word parts the items' texts are made of, per model.
 */
interface SharedTexts {
  vocabulary: FeatureVocabulary;
  /**
   * Every part (two characters or more) of the words of the items' texts: bit `fold` set
   * when a text outside that fold has it (the fold's model learned it), bit FOLDS when any
   * text has it (the model that answers).
   */
  familiar: Map<string, number>;
}

export interface MatcherTrainingData {
  items: ServiceItem[];
  /** Analyzed texts per item: name, aliases, then examples. */
  itemTexts: { terms: Terms; isExample: boolean }[][];
  /** Analyzed questions the catalog does not answer. */
  outOfScope: Terms[];
  /** Whether a word is a noun (jieba's dictionary): an unfamiliar noun may be the real topic. */
  isNoun(word: string): boolean;
  /** The items' head concepts (head-concepts.ts), in the order of `items`. */
  heads: HeadConcepts;
  /** Held-out questions enough to fit the re-ranker (default HELD_OUT_QUESTIONS; for tests). */
  heldOutQuestions?: number;
}

/** What one set of models learned: an Evidence without its scratch buffers. */
interface EvidenceModels {
  vocabulary: FeatureVocabulary;
  /** A held-out fold's model: 1 for the features its texts use (the others are unknown to it). */
  known: Uint8Array | undefined;
  /** The bit of `familiar` for this model. */
  familiarBit: number;
  familiar: Map<string, number>;
  itemIndex: Bm25Index;
  exampleIndex: Bm25Index;
  exampleItem: Int32Array;
  itemUses: Uint32Array;
  usedByItems: Uint8Array;
  classifier: SoftmaxClassifier;
  itemCount: number;
}

/** The bit of SharedTexts.familiar for the model that answers (trained on all texts). */
const ANSWERING_MODEL_BIT = 1 << FOLDS;

/** One set of models built from some of the texts (all of them, or all but one fold). */
class Evidence {
  private readonly vocabulary: FeatureVocabulary;
  private readonly known: Uint8Array | undefined;
  private readonly familiarBit: number;
  private readonly familiar: Map<string, number>;
  private readonly itemIndex: Bm25Index;
  private readonly exampleIndex: Bm25Index;
  private readonly exampleItem: Int32Array;
  /**
   * Bit id * itemCount + item is set when the item's texts use word feature id. Word by
   * word, so a question's word has all its items in a few cache lines; a bit, not a byte:
   * a city's catalog has ~10,000 features × 1,241 items.
   */
  private readonly itemUses: Uint32Array;
  /** 1 for feature ids that some item's texts use (the others come from out-of-scope questions). */
  private readonly usedByItems: Uint8Array;
  private readonly classifier: SoftmaxClassifier;
  private readonly itemCount: number;
  // Scratch buffers: matching allocates little.
  private readonly scores: Float64Array;
  private readonly matched: Float64Array;
  private readonly exampleScores: Float64Array;
  private readonly touched: Int32Array;
  private readonly bestExample: Float64Array;
  /** Words known to be (or not be) foreign nouns: see foreignNoun(). */
  private readonly foreignNouns = new Map<string, boolean>();
  private readonly probabilities: Float64Array;
  private readonly picked = new Int32Array(MAX_CANDIDATES);
  private readonly mostProbable = new Int32Array(3);
  private readonly probabilityRanks = new Float64Array(3);
  private readonly scoreRanks = new Float64Array(3);
  /** The question's meaningful words: feature id (-1: unknown) and weight; grown as needed. */
  private contentIds = new Int32Array(16);
  private contentIdfs = new Float64Array(16);
  private readonly found: Candidates = {
    count: 0,
    item: new Int32Array(MAX_CANDIDATES),
    coverage: new Float64Array(MAX_CANDIDATES),
    explains: new Int32Array(MAX_CANDIDATES),
    head: new Int8Array(MAX_CANDIDATES),
    rows: new Float64Array(MAX_CANDIDATES * FEATURE_COUNT),
  };

  constructor(
    models: EvidenceModels,
    private readonly isNoun: (word: string) => boolean,
    private readonly heads: HeadConcepts,
  ) {
    this.vocabulary = models.vocabulary;
    this.known = models.known;
    this.familiarBit = models.familiarBit;
    this.familiar = models.familiar;
    this.itemIndex = models.itemIndex;
    this.exampleIndex = models.exampleIndex;
    this.exampleItem = models.exampleItem;
    this.itemUses = models.itemUses;
    this.usedByItems = models.usedByItems;
    this.classifier = models.classifier;
    const itemCount = (this.itemCount = models.itemCount);
    this.scores = new Float64Array(itemCount);
    this.matched = new Float64Array(itemCount);
    this.exampleScores = new Float64Array(models.exampleItem.length);
    this.touched = new Int32Array(models.exampleItem.length);
    this.bestExample = new Float64Array(itemCount);
    this.probabilities = new Float64Array(itemCount + 1);
  }

  /**
   * The models of the texts outside `fold` (a held-out fold's, to show the re-ranker how
   * the evidence looks on questions they did not learn), or of all of them (fold undefined).
   */
  static train(
    shared: SharedTexts,
    allTexts: readonly LabeledText[],
    fold: number | undefined,
    itemCount: number,
    isNoun: (word: string) => boolean,
    heads: HeadConcepts,
    classifierEpochs: number,
  ): Evidence {
    const vocabulary = shared.vocabulary;
    const texts = fold === undefined ? allTexts : allTexts.filter((t) => t.fold !== fold);
    const size = vocabulary.size;
    let known: Uint8Array | undefined;
    if (fold !== undefined) {
      known = new Uint8Array(size);
      for (const { features } of texts) for (const f of features) known[f] = 1;
    }
    const itemUses = new Uint32Array(Math.ceil((itemCount * size) / 32));
    const usedByItems = new Uint8Array(size);
    for (const t of texts) {
      if (t.item === undefined) continue;
      for (const id of t.wordIds) {
        const bit = id * itemCount + t.item;
        itemUses[bit >>> 5]! |= 1 << (bit & 31);
        usedByItems[id] = 1;
      }
    }
    // Each item's texts as one document, each example as one.
    const itemLength = new Int32Array(itemCount);
    let exampleCount = 0;
    for (const t of texts) {
      if (t.item === undefined) continue;
      itemLength[t.item]! += t.features.length;
      exampleCount++;
    }
    const itemDocs = Array.from(itemLength, (length) => new Int32Array(length));
    itemLength.fill(0);
    const exampleDocs: Int32Array[] = new Array(exampleCount);
    const exampleItem = new Int32Array(exampleCount);
    const samples: TrainingSample[] = new Array(texts.length);
    let example = 0;
    texts.forEach((text, i) => {
      const features = text.features;
      samples[i] = { features, label: text.item ?? itemCount };
      if (text.item === undefined) return;
      itemDocs[text.item]!.set(features, itemLength[text.item]);
      itemLength[text.item]! += features.length;
      exampleDocs[example] = features;
      exampleItem[example++] = text.item;
    });
    const models: EvidenceModels = {
      vocabulary,
      known,
      familiarBit: fold === undefined ? ANSWERING_MODEL_BIT : 1 << fold,
      familiar: shared.familiar,
      itemIndex: Bm25Index.build(itemDocs, size),
      exampleIndex: Bm25Index.build(exampleDocs, size, EXAMPLE_INDEX_MAX_SHARE),
      exampleItem,
      itemUses,
      usedByItems,
      classifier: SoftmaxClassifier.train(samples, size, itemCount + 1, { epochs: classifierEpochs }),
      itemCount,
    };
    return new Evidence(models, isNoun, heads);
  }

  /** The answering model's evidence again, from the parts of a MatcherState. */
  static fromState(state: MatcherState, isNoun: (word: string) => boolean, heads: HeadConcepts): Evidence {
    const models: EvidenceModels = {
      vocabulary: FeatureVocabulary.fromNames(state.features),
      known: undefined,
      familiarBit: ANSWERING_MODEL_BIT,
      familiar: new Map(state.familiar.map((part) => [part, ANSWERING_MODEL_BIT])),
      itemIndex: new Bm25Index(state.itemIndex),
      exampleIndex: new Bm25Index(state.exampleIndex),
      exampleItem: state.exampleItem,
      itemUses: state.itemUses,
      usedByItems: state.usedByItems,
      classifier: SoftmaxClassifier.fromState(state.classifier),
      itemCount: state.classifier.classCount - 1,
    };
    return new Evidence(models, isNoun, heads);
  }

  /** The answering model's parts of a MatcherState (a held-out fold's model is never sent). */
  state(): Pick<
    MatcherState,
    "features" | "familiar" | "itemIndex" | "exampleIndex" | "exampleItem" | "itemUses" | "usedByItems" | "classifier"
  > {
    if (this.known) throw new Error("only the answering model's evidence is sent");
    const familiar: string[] = [];
    for (const [part, models] of this.familiar) if ((models & this.familiarBit) !== 0) familiar.push(part);
    return {
      features: this.vocabulary.featureNames(),
      familiar,
      itemIndex: this.itemIndex.state(),
      exampleIndex: this.exampleIndex.state(),
      exampleItem: this.exampleItem,
      itemUses: this.itemUses,
      usedByItems: this.usedByItems,
      classifier: this.classifier.state(),
    };
  }

  /** Candidate items and their evidence for the re-ranker, until the next call. */
  candidates(terms: Terms): Candidates {
    const found = this.found;
    found.count = 0;
    const { ids, count: featureCount, unseenWords } = this.vocabulary.features(terms, this.known);
    if (featureCount === 0) return found;
    const { scores, matched, exampleScores, touched, bestExample, probabilities, itemCount, picked } = this;
    scores.fill(0);
    matched.fill(0);
    bestExample.fill(0);
    this.itemIndex.score(ids, featureCount, scores, matched);
    this.classifier.predictInto(ids, featureCount, probabilities);
    // The closest single example of each item (then the example scores are zeroed again).
    const hits = this.exampleIndex.scoreSparse(ids, featureCount, exampleScores, touched);
    for (let k = 0; k < hits; k++) {
      const e = touched[k]!;
      const item = this.exampleItem[e]!;
      if (exampleScores[e]! > bestExample[item]!) bestExample[item] = exampleScores[e]!;
      exampleScores[e] = 0;
    }

    let known = 0;
    for (let i = 0; i < featureCount; i++) known += this.itemIndex.idf(ids[i]!);
    const maxIdf = this.itemIndex.maxIdf;
    const unseen = unseenWords * maxIdf * UNSEEN_WORD_WEIGHT;
    const queryWeight = known + unseen;

    // The BM25 top RETRIEVED, then the classifier's top 3 not among them.
    let pickedCount = topIndexes(scores, RETRIEVED, itemCount, picked);
    const mostProbable = this.mostProbable;
    const probableCount = topIndexes(probabilities, 3, itemCount, mostProbable);
    for (let k = 0; k < probableCount; k++) {
      const c = mostProbable[k]!;
      let listed = false;
      for (let j = 0; j < pickedCount; j++) if (picked[j] === c) listed = true;
      if (!listed) picked[pickedCount++] = c;
    }
    let topScore = 1e-9;
    let topExample = 1e-9;
    for (let k = 0; k < pickedCount; k++) {
      const c = picked[k]!;
      topScore = Math.max(topScore, scores[c]!);
      topExample = Math.max(topExample, bestExample[c]!);
    }
    // Each candidate is set against the best other one: the best, or for the best itself the runner-up.
    const probabilityRanks = this.probabilityRanks;
    const scoreRanks = this.scoreRanks;
    topTwo(probabilities, picked, pickedCount, probabilityRanks);
    topTwo(scores, picked, pickedCount, scoreRanks);
    const none = probabilities[itemCount]!;
    // The meaningful words of the question and their weight (a word no item uses weighs most).
    const content = terms.content;
    if (this.contentIds.length < content.length) {
      this.contentIds = new Int32Array(content.length);
      this.contentIdfs = new Float64Array(content.length);
    }
    const { contentIds, contentIdfs } = this;
    let contentWeight = 0;
    let foreignNoun = 0;
    for (let i = 0; i < content.length; i++) {
      const word = content[i]!;
      const id = this.wordId(word);
      const idf = id < 0 ? maxIdf : Math.max(this.itemIndex.idf(id), 0.1);
      contentIds[i] = id;
      contentIdfs[i] = idf;
      contentWeight += idf;
      // Only the first unfamiliar noun counts: the lookups stop once one is found.
      if (foreignNoun === 0 && !(id >= 0 && this.usedByItems[id] === 1) && this.foreignNoun(word)) foreignNoun = 1;
    }

    const headQuery = this.heads.query(terms.text, terms.tokens);
    const row = found.rows;
    for (let k = 0; k < pickedCount; k++) {
      const c = picked[k]!;
      if (!(scores[c]! > 0 || probabilities[c]! > 0.05)) continue;
      const coverage = matched[c]! / queryWeight;
      // The most specific meaningful word this item does not explain (专利, 银行, 二手车).
      let missing = 0;
      let explained = 0;
      let explains = 0;
      for (let i = 0; i < content.length; i++) {
        const id = contentIds[i]!;
        if (id >= 0 && this.uses(c, id)) {
          explained += contentIdfs[i]!;
          if (i < 31) explains |= 1 << i;
        } else if (contentIdfs[i]! > missing) missing = contentIdfs[i]!;
      }
      const otherProbability = c === probabilityRanks[TOP_OF] ? probabilityRanks[RUNNER_UP]! : probabilityRanks[TOP]!;
      const otherScore = c === scoreRanks[TOP_OF] ? scoreRanks[RUNNER_UP]! : scoreRanks[TOP]!;
      const n = found.count++;
      const at = n * FEATURE_COUNT;
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
      // The re-ranker reads the words' level; the decider, the level with the item's examples.
      // A question that names the item in full but asks about something else names no more
      // than its object: the object only modifies another word ("低保边缘家庭": the family,
      // "政务服务中心的食堂": the canteen), or, for an item its object names in full (低保,
      // 结婚), the question uses another domain's word ("低保户能开车吗").
      let head = this.heads.wordLevel(headQuery, c);
      if (
        head === HeadLevel.full &&
        (this.modifiesOther(terms, c) || (this.heads.objectOnly(c) && this.asksElsewhere(content, c)))
      )
        head = HeadLevel.object;
      row[at + 12] = head === HeadLevel.full ? 1 : 0;
      row[at + 13] = head === HeadLevel.object ? 1 : 0;
      row[at + 14] = head === HeadLevel.foreign ? 1 : 0;
      found.head[n] = headQuery.exampleOf.includes(c) ? HeadLevel.full : head;
      found.item[n] = c;
      found.coverage[n] = coverage;
      found.explains[n] = explains;
    }
    return found;
  }

  /**
   * Whether one of item c's objects stands right before (or before 的) a meaningful word
   * foreign to the item (foreignTo): Chinese puts the head of a noun phrase last, so the question is
   * about that word, the object only says whose it is.
   */
  private modifiesOther({ tokens, content }: Terms, c: number): boolean {
    for (let j = 1; j < tokens.length; j++) {
      const word = tokens[j]!;
      // The head of a noun phrase is a noun (计算, 处在 after the object are not).
      if (word.length < 2 || !content.includes(word) || !this.isNoun(word)) continue;
      if (!this.foreignTo(c, word, this.wordId(word))) continue;
      const before = tokens[j - 1] === "的" && j >= 2 ? tokens[j - 2]! : tokens[j - 1]!;
      if (this.heads.objectIn(before, c)) return true;
    }
    return false;
  }

  /**
   * Whether a word (feature id `id`, -1: unknown) is foreign to item c: the item's texts do
   * not use it, its guide does not mention it, and it is neither a facet word (材料, 要钱, 网上)
   * nor a word several items' guides mention (照片, 电话): any item is asked about those.
   */
  private foreignTo(c: number, word: string, id: number): boolean {
    if (id >= 0 && this.uses(c, id)) return false;
    return !this.heads.covers(c, word) && !this.heads.isFacetWord(word) && !this.heads.isCommonWord(word);
  }

  /**
   * Whether the question has a meaningful word foreign to item c (foreignTo) that belongs
   * to something else: only questions the catalog does not answer
   * use it, or a few items all of another domain do (低保户能开车吗: 开车 is the driving
   * licences'). A word no text uses is the citizen's own and says nothing; a facet word
   * is never foreign. Reads contentIds, so after they are set for the question.
   */
  private asksElsewhere(content: readonly string[], c: number): boolean {
    const { itemCount } = this;
    for (let i = 0; i < content.length; i++) {
      const id = this.contentIds[i]!;
      if (id < 0 || !this.foreignTo(c, content[i]!, id)) continue;
      let users = 0;
      let sameDomain = false;
      for (let j = 0; j < itemCount && users <= MAX_OWNERS && !sameDomain; j++) {
        if (!this.uses(j, id)) continue;
        users++;
        sameDomain = this.heads.sameDomain(c, j);
      }
      if (!sameDomain && users <= MAX_OWNERS) return true;
    }
    return false;
  }

  /** Whether item `item`'s texts use word feature `id` (its bit in itemUses). */
  private uses(item: number, id: number): boolean {
    const bit = id * this.itemCount + item;
    return (this.itemUses[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Feature id of a word, or -1 when this model's texts do not use it. */
  private wordId(word: string): number {
    const id = this.vocabulary.wordId(word);
    return id >= 0 && this.known !== undefined && this.known[id] !== 1 ? -1 : id;
  }

  /**
   * Whether a word no item's texts are made of is a noun in jieba's dictionary (公务员,
   * 银行卡: likely the real topic). Remembered, since citizens repeat their words: one
   * lookup instead of the familiar-word set, then jieba.
   */
  private foreignNoun(word: string): boolean {
    let foreign = this.foreignNouns.get(word);
    if (foreign === undefined) {
      foreign = ((this.familiar.get(word) ?? 0) & this.familiarBit) === 0 && this.isNoun(word);
      if (this.foreignNouns.size >= 50_000) this.foreignNouns.clear();
      this.foreignNouns.set(word, foreign);
    }
    return foreign;
  }
}

export class ServiceMatcher implements Component {
  private readonly items: ServiceItem[];
  private readonly evidence: Evidence;
  private readonly reranker: LogisticRegression;
  /**
   * On held-out questions whose most probable candidate is the only one whose head concept
   * the question names in full: how often that candidate was right (see soleHeadAccuracy).
   */
  readonly soleHead: { questions: number; accuracy: number };
  /** How many held-out fold models showed the re-ranker its evidence (see HELD_OUT_QUESTIONS). */
  readonly foldModels: number;
  // Scratch for match(): candidates' probabilities and the order of the most probable.
  private readonly probability = new Float64Array(MAX_CANDIDATES);
  private readonly order = new Int32Array(MAX_CANDIDATES);

  private constructor(
    items: ServiceItem[],
    evidence: Evidence,
    reranker: LogisticRegression,
    soleHead: { questions: number; accuracy: number },
    foldModels: number,
  ) {
    this.items = items;
    this.evidence = evidence;
    this.reranker = reranker;
    this.soleHead = soleHead;
    this.foldModels = foldModels;
  }

  /** Trains the models (seconds of CPU for a city's catalog: see MatcherState for training elsewhere). */
  static train(data: MatcherTrainingData): ServiceMatcher {
    const vocabulary = new FeatureVocabulary();
    const texts: LabeledText[] = [];
    const add = (terms: Terms, item: number | undefined, fold: number | undefined) => {
      const features = Int32Array.from(vocabulary.learn(terms));
      texts.push({
        terms,
        features,
        wordIds: Int32Array.from(terms.words, (word) => vocabulary.wordId(word)),
        item,
        fold,
      });
    };
    data.itemTexts.forEach((list, item) => {
      let example = 0;
      for (const { terms, isExample } of list) add(terms, item, isExample ? (item + example++) % FOLDS : undefined);
    });
    data.outOfScope.forEach((terms, i) => add(terms, undefined, i % FOLDS));
    const shared: SharedTexts = { vocabulary, familiar: familiarParts(texts) };
    const { heads } = data;

    // Held-out evidence for every example and out-of-scope question trains the re-ranker:
    // its rows one after the other in one array (a city's catalog has ~80,000).
    let rows = new Float64Array(1024 * FEATURE_COUNT);
    let rowCount = 0;
    const labels: number[] = [];
    /** Per held-out question: where its rows start and end, and which row is right (-1: none). */
    const questions: { from: number; to: number }[] = [];
    /** The item of each row. */
    const rowItems: number[] = [];
    const enough = data.heldOutQuestions ?? HELD_OUT_QUESTIONS;
    let fold = 0;
    for (; fold < FOLDS && (fold === 0 || questions.length < enough); fold++) {
      const evidence = Evidence.train(shared, texts, fold, data.items.length, data.isNoun, heads, FOLD_EPOCHS);
      for (const text of texts) {
        if (text.fold !== fold) continue;
        const found = evidence.candidates(text.terms);
        questions.push({ from: rowCount, to: rowCount + found.count });
        if ((rowCount + found.count) * FEATURE_COUNT > rows.length) {
          const grown = new Float64Array(rows.length * 2);
          grown.set(rows);
          rows = grown;
        }
        rows.set(found.rows.subarray(0, found.count * FEATURE_COUNT), rowCount * FEATURE_COUNT);
        for (let k = 0; k < found.count; k++) {
          rowItems.push(found.item[k]!);
          labels.push(found.item[k] === text.item ? 1 : 0);
        }
        rowCount += found.count;
      }
    }
    rows = rows.subarray(0, rowCount * FEATURE_COUNT);
    const reranker = LogisticRegression.train(rows, FEATURE_COUNT, labels);
    const strongHeads = data.items.map((item) => hasActions(item));
    const soleHead = soleHeadAccuracy(reranker, rows, labels, questions, (r) => strongHeads[rowItems[r]!]!);
    const evidence = Evidence.train(
      shared,
      texts,
      undefined,
      data.items.length,
      data.isNoun,
      heads,
      classifierEpochs(texts.length),
    );
    return new ServiceMatcher(data.items, evidence, reranker, soleHead, fold);
  }

  /**
   * The matcher of state() (trained in another thread), around this thread's items,
   * dictionary and head concepts: the same probabilities as the one that was trained.
   */
  static fromState(
    state: MatcherState,
    context: Pick<MatcherTrainingData, "items" | "isNoun" | "heads">,
  ): ServiceMatcher {
    const evidence = Evidence.fromState(state, context.isNoun, context.heads);
    const reranker = LogisticRegression.fromWeights(state.reranker);
    return new ServiceMatcher(context.items, evidence, reranker, state.soleHead, state.foldModels);
  }

  /** The trained models as plain data (see matcher-state.ts): its own arrays, so once transferred it is unusable. */
  state(): MatcherState {
    return {
      ...this.evidence.state(),
      reranker: this.reranker.weights,
      soleHead: this.soleHead,
      foldModels: this.foldModels,
    };
  }

  process(message: Message): void {
    message.candidates = this.match(message.analyzed!);
  }

  /** Candidate items, most probable first. */
  match(terms: Terms, limit = 3): ServiceCandidate[] {
    const found = this.evidence.candidates(terms);
    // The `limit` most probable, in a stable order (ties keep retrieval order): objects
    // only for those returned.
    const order = this.order;
    const probability = this.probability;
    let kept = 0;
    for (let k = 0; k < found.count; k++) {
      const p = this.reranker.probability(found.rows, k * FEATURE_COUNT);
      probability[k] = p;
      let at = kept < limit ? kept++ : limit;
      while (at > 0 && probability[order[at - 1]!]! < p) {
        if (at < limit) order[at] = order[at - 1]!;
        at--;
      }
      if (at < limit) order[at] = k;
    }
    const out: ServiceCandidate[] = [];
    for (let i = 0; i < kept; i++) {
      const k = order[i]!;
      out.push({
        item: this.items[found.item[k]!]!,
        probability: probability[k]!,
        coverage: found.coverage[k]!,
        explains: found.explains[k]!,
        head: found.head[k]! as HeadLevel,
      });
    }
    return out;
  }
}

/**
 * Of the held-out questions whose most probable candidate is the only one naming its head
 * concept in full (row feature 12) and an item whose head has actions (`strong`), the
 * share where that candidate is the right item — the decider's confidence for answering
 * on such evidence.
 */
function soleHeadAccuracy(
  reranker: LogisticRegression,
  rows: Float64Array,
  labels: number[],
  questions: { from: number; to: number }[],
  strong: (row: number) => boolean,
): { questions: number; accuracy: number } {
  let events = 0;
  let right = 0;
  for (const { from, to } of questions) {
    let best = -1;
    let bestP = -1;
    let full = 0;
    for (let r = from; r < to; r++) {
      const p = reranker.probability(rows, r * FEATURE_COUNT);
      if (p > bestP) [best, bestP] = [r, p];
      if (rows[r * FEATURE_COUNT + 12] === 1) full++;
    }
    if (best < 0 || full !== 1 || rows[best * FEATURE_COUNT + 12] !== 1 || !strong(best)) continue;
    events++;
    if (labels[best] === 1) right++;
  }
  return { questions: events, accuracy: events === 0 ? 0 : right / events };
}

/**
 * The parts (two characters or more) of the words of the items' texts (人才落户 makes 人才
 * familiar: no sign of a foreign topic), each with the models that learned it: bit f for
 * the model of every fold but f, bit FOLDS for the model of all texts.
 */
function familiarParts(texts: readonly LabeledText[]): Map<string, number> {
  const all = (1 << (FOLDS + 1)) - 1;
  const parts = new Map<string, number>();
  for (const { terms, item, fold } of texts) {
    if (item === undefined) continue;
    const models = fold === undefined ? all : all & ~(1 << fold);
    for (const word of terms.words) {
      for (let length = 2; length <= word.length; length++) {
        for (let start = 0; start + length <= word.length; start++) {
          const part = word.slice(start, start + length);
          const known = parts.get(part);
          if (known === undefined) parts.set(part, models);
          else if ((known | models) !== known) parts.set(part, known | models);
        }
      }
    }
  }
  return parts;
}

// Slots of topTwo's answer.
const TOP = 0;
const TOP_OF = 1;
const RUNNER_UP = 2;

/**
 * Among values[picked[0 … count-1]]: the highest (floored at 0), the index holding it
 * first (-1 when none is above 0), and the highest of the others, into `ranks`.
 */
function topTwo(values: Float64Array, picked: Int32Array, count: number, ranks: Float64Array): void {
  let top = 0;
  let topOf = -1;
  let runnerUp = 0;
  for (let k = 0; k < count; k++) {
    const c = picked[k]!;
    const v = values[c]!;
    if (v > top) {
      runnerUp = top;
      top = v;
      topOf = c;
    } else if (v > runnerUp) runnerUp = v;
  }
  ranks[TOP] = top;
  ranks[TOP_OF] = topOf;
  ranks[RUNNER_UP] = runnerUp;
}

/**
 * Writes the indexes of the `count` largest positive values among the first `length`
 * into `top`, largest first (ties: lower index first); returns how many.
 */
function topIndexes(values: Float64Array, count: number, length: number, top: Int32Array): number {
  let size = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i]!;
    if (v <= 0 || (size === count && v <= values[top[count - 1]!]!)) continue;
    // Insertion into a list of at most `count` entries.
    let at = size === count ? count - 1 : size++;
    while (at > 0 && values[top[at - 1]!]! < v) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return size;
}
