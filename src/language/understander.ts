// The language pipeline, in order: analyze (normalize, segment, repair, canonical words)
// → short replies → classify → retrieve → facet → decide. Plain TypeScript over the
// catalog data; no I/O, so it is fast and easy to test. It reads one message on its own:
// what a message means *in the conversation* (a "2" picking an option, "多少钱" about the
// item under discussion) is the dialogue's job (src/conversation/dialogue.ts), from the
// signals given here. The steps are components (components/component.ts), run in order
// until one settles the message.
import { createHash } from "node:crypto";
import type { Catalog, ServiceItem } from "../knowledge/catalog-schema.ts";
import { ChaseDetector, type ChaseSubject } from "./components/chase-detector.ts";
import { ClauseFocus } from "./components/clause-focus.ts";
import type { Component, Message } from "./components/component.ts";
import { HeadConcepts, HeadLevel } from "./components/head-concepts.ts";
import { CueMessageClassifier } from "./components/cue-message-classifier.ts";
import { FacetDetector } from "./components/facet-detector.ts";
import type { MessageModel } from "./components/message-model/message-model.ts";
import { DEFAULT_THRESHOLDS, ServiceDecider, type DecisionThresholds } from "./components/service-decider.ts";
import type { MatcherState } from "./components/matcher-state.ts";
import { ServiceMatcher } from "./components/service-matcher.ts";
import { PraiseDetector } from "./components/praise-detector.ts";
import { SettledThanksDetector } from "./components/settled-thanks-detector.ts";
import { GREETING_FILLER, ShortReplyDetector } from "./components/short-reply-detector.ts";
import type { AnalyzedText } from "./components/component.ts";
import { TextAnalyzer } from "./components/text-analyzer.ts";
import { TrainedMessageClassifier } from "./components/trained-message-classifier.ts";
import type { Understanding } from "./components/understanding.ts";
import { HomophoneCorrector } from "./text/homophone-corrector.ts";
import { Segmenter } from "./text/segmenter.ts";
import { SynonymTable } from "./text/synonyms.ts";

// The pipeline's answer and its settings, for the hub and the dialogue.
export type { Decision, MessageKind, Understanding } from "./components/understanding.ts";
export { DEFAULT_THRESHOLDS, type DecisionThresholds } from "./components/service-decider.ts";

export interface UnderstanderOptions {
  thresholds?: DecisionThresholds;
  /**
   * The trained message model (components/message-model) for the "classify" step;
   * without one, the cue phrases of intents/message-kinds.yaml decide alone.
   */
  messageModel?: MessageModel;
}

// Models built for the last few catalogs, by content: a reload that changes nothing
// (an editor's temporary file, a second hub in one process) reuses the trained models.
const built = new Map<string, Understander>();
const MAX_BUILT = 3;
// Cache keys also name the message model (models have no content hash at hand).
const modelIds = new WeakMap<MessageModel, number>();
let lastModelId = 0;
function modelId(model: MessageModel | undefined): number {
  if (!model) return 0;
  if (!modelIds.has(model)) modelIds.set(model, ++lastModelId);
  return modelIds.get(model)!;
}

/** Trains a catalog's service matcher elsewhere (another thread) and gives back its models. */
export type MatcherTrainer = (catalog: Catalog) => Promise<MatcherState>;

/** The key of a catalog's understander in `built`; undefined when it is not cached (options.thresholds). */
function cacheKey(catalog: Catalog, options: UnderstanderOptions | undefined): string | undefined {
  if (options?.thresholds) return undefined;
  return `${modelId(options?.messageModel)}:${createHash("sha256").update(JSON.stringify(catalog)).digest("hex")}`;
}

/** Keeps an understander as the most recently used one. */
function remember(key: string, understander: Understander): Understander {
  built.delete(key);
  if (built.size >= MAX_BUILT) built.delete(built.keys().next().value!);
  built.set(key, understander);
  return understander;
}

/** What reads text, built the same way on the thread that trains the matcher and the one that answers. */
function readingParts(catalog: Catalog) {
  const synonyms = new SynonymTable(catalog.synonyms);
  const itemTerms = catalog.items.flatMap((item) => [item.name, ...item.aliases]);
  const segmenter = new Segmenter([
    ...itemTerms,
    ...synonyms.words(),
    ...Object.values(catalog.messageKinds.domains).flat(),
  ]);
  const texts = catalog.items.map((item) => [item.name, ...item.aliases, ...item.examples]);
  // Words worth finding inside longer tokens: every word the catalog's own texts use.
  const knownWords = new Set<string>(synonyms.words());
  for (const text of texts.flat()) {
    for (const word of segmenter.segment(text.toLowerCase())) if (word.length > 1) knownWords.add(word);
  }
  const corrector = new HomophoneCorrector([...itemTerms, ...synonyms.words()]);
  const functionWords = new Set([...Segmenter.nonContentWords(), ...catalog.functionWords]);
  const analyzer = new TextAnalyzer(segmenter, synonyms, corrector, { knownWords, functionWords });
  const heads = new HeadConcepts(
    catalog.items,
    catalog.outOfScopeActions,
    catalog.serviceStages,
    Object.values(catalog.facets.facets).flat(),
  );
  return { analyzer, heads, texts };
}

/** The service matcher trained on the catalog's texts: the expensive part of an understander. */
function trainMatcher(catalog: Catalog, { analyzer, heads, texts }: ReturnType<typeof readingParts>): ServiceMatcher {
  return ServiceMatcher.train({
    items: catalog.items,
    itemTexts: catalog.items.map((item, i) =>
      texts[i]!.map((text, k) => ({ terms: analyzer.analyze(text), isExample: k > item.aliases.length })),
    ),
    outOfScope: catalog.outOfScope.map((text) => analyzer.analyze(text)),
    isNoun: (word) => analyzer.isNoun(word),
    heads,
  });
}

export class Understander {
  /** The understander for this catalog content, trained once per process (with options: built afresh). */
  static forCatalog(catalog: Catalog, options?: UnderstanderOptions): Understander {
    const key = cacheKey(catalog, options);
    if (key === undefined) return new Understander(catalog, options);
    return remember(key, built.get(key) ?? new Understander(catalog, options));
  }

  /**
   * As forCatalog, with the matcher trained by `train` (a worker thread): this thread
   * only builds what reads text and wraps the matcher's models, the same ones.
   */
  static async forCatalogTrainedBy(
    catalog: Catalog,
    options: UnderstanderOptions | undefined,
    train: MatcherTrainer,
  ): Promise<Understander> {
    const key = cacheKey(catalog, options);
    const known = key === undefined ? undefined : built.get(key);
    if (known) return remember(key!, known);
    const understander = new Understander(catalog, options, await train(catalog));
    return key === undefined ? understander : remember(key, understander);
  }

  /** The models of this catalog's service matcher, trained here: what a MatcherTrainer runs elsewhere. */
  static trainMatcher(catalog: Catalog): MatcherState {
    return trainMatcher(catalog, readingParts(catalog)).state();
  }

  private readonly itemsByCode: Map<string, ServiceItem>;
  private readonly analyzer: TextAnalyzer;
  /** The steps in order, the analyzer first and the decider last. */
  private readonly components: Component[];

  /** With `trainedMatcher` (Understander.trainMatcher's, from another thread) the matcher is not trained here. */
  constructor(catalog: Catalog, options: UnderstanderOptions = {}, trainedMatcher?: MatcherState) {
    this.itemsByCode = new Map(catalog.items.map((item) => [item.code, item]));
    const reading = readingParts(catalog);
    const { analyzer, heads } = reading;
    this.analyzer = analyzer;
    const matcher = trainedMatcher
      ? ServiceMatcher.fromState(trainedMatcher, {
          items: catalog.items,
          isNoun: (word) => analyzer.isNoun(word),
          heads,
        })
      : trainMatcher(catalog, reading);
    const domainOf = new Map(catalog.departments.map((d) => [d.code, d.domains[0]]));
    // A chase's subject: the most probable item whose object the message names.
    const subjectOf = (analyzed: AnalyzedText): ChaseSubject | undefined => {
      const about = matcher.match(analyzed).find((c) => c.head >= HeadLevel.object);
      return about && { item: about.item, domain: domainOf.get(about.item.department) };
    };
    const chases = catalog.messageKinds.chase && new ChaseDetector(catalog.messageKinds.chase, subjectOf);
    const classifier = options.messageModel
      ? new TrainedMessageClassifier(
          options.messageModel,
          catalog.messageKinds,
          (analyzed) => this.namesOnlyATopic(analyzed),
          (analyzed) => heads.anyFull(heads.query(analyzed.text, analyzed.tokens)),
          (analyzed) => chases?.mayChase(analyzed.text) ?? false,
        )
      : new CueMessageClassifier(catalog.messageKinds);
    this.components = [
      analyzer,
      new ShortReplyDetector(catalog.messageKinds),
      new PraiseDetector(catalog.messageKinds, catalog.departments),
      ...(catalog.messageKinds.settled ? [new SettledThanksDetector(catalog.messageKinds.settled)] : []),
      ...(chases ? [chases] : []),
      classifier,
      matcher,
      new ClauseFocus(
        heads,
        (text) => analyzer.analyze(text),
        (analyzed) => matcher.match(analyzed),
      ),
      new FacetDetector(catalog.facets),
      new ServiceDecider(options.thresholds ?? DEFAULT_THRESHOLDS, matcher.soleHead.accuracy),
    ];
  }

  /**
   * One noun and nothing else but particles ("工资", "出租车？"). Only one: jieba's part of
   * speech is too rough to tell 老师打人 (two "nouns") from a topic.
   */
  private namesOnlyATopic(analyzed: AnalyzedText): boolean {
    const words = analyzed.segmented.filter((word) => !GREETING_FILLER.test(word));
    return words.length === 1 && this.analyzer.isNoun(words[0]!);
  }

  /** How the pipeline reads a text: normalized, segmented, typos repaired, canonical words. */
  analyze(text: string): AnalyzedText {
    return this.analyzer.analyze(text);
  }

  /** The catalog's item with this code (a conversation remembers items by code). */
  item(code: string): ServiceItem | undefined {
    return this.itemsByCode.get(code);
  }

  understand(rawText: string): Understanding {
    const message: Message = { raw: rawText };
    for (const component of this.components) {
      component.process(message);
      if (message.understanding) return message.understanding;
    }
    throw new Error("the pipeline ended without an understanding (the service decider always gives one)");
  }
}
