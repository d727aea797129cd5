// The opinion analysis of one message: the components in order — text (normalize, cut),
// sentiment (the lexicon), the trained model for what the lexicon cannot read, emotion,
// keywords, places. Deterministic and free of I/O: the same text
// always gives the same analysis, so re-running it on a message (a retried job, an
// import run twice) changes nothing.
import type { CaseCategory } from "../knowledge/case-rules-schema.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import type { OpinionLexicon } from "../knowledge/opinion-lexicon-schema.ts";
import type { MessageModel } from "../language/components/message-model/message-model.ts";
import { KeywordExtractor } from "../language/text/keyword-extractor.ts";
import { Segmenter } from "../language/text/segmenter.ts";
import { EmotionDetector } from "./emotion-detector.ts";
import { KeywordFinder } from "./keyword-finder.ts";
import { ModelSentiment } from "./model-sentiment.ts";
import { newOpinionMessage, type OpinionAnalysis, type OpinionComponent } from "./opinion-message.ts";
import { OpinionText } from "./opinion-text.ts";
import { PlaceFinder } from "./place-finder.ts";
import { SentimentLexicon } from "./sentiment-lexicon.ts";
import { SentimentScorer } from "./sentiment-scorer.ts";

export interface OpinionData {
  lexicon: OpinionLexicon;
  regions: readonly Region[];
  /**
   * The catalog: its item names, aliases and synonyms are kept whole as keywords, its function
   * words are none, its departments' keywords are the city's words for matters.
   */
  catalog: Pick<Catalog, "items" | "synonyms" | "functionWords" | "departments">;
  /** The case categories: their keywords are the city's words for matters (井盖, 飞线充电). */
  caseCategories: readonly Pick<CaseCategory, "keywords">[];
  /** A trained emotion model for messages without a sentiment word (model-sentiment.ts); none: the lexicon alone. */
  model?: MessageModel;
}

export class OpinionAnalyzer {
  /** The steps in order, the text first. */
  readonly components: readonly OpinionComponent[];
  /** The lexicon's decision bands and default emotion. */
  readonly thresholds: OpinionLexicon["thresholds"];

  constructor({ lexicon, regions, catalog, caseCategories, model }: OpinionData) {
    this.thresholds = lexicon.thresholds;
    const segmenter = new Segmenter([
      ...catalog.items.flatMap((item) => [item.name, ...item.aliases]),
      ...catalog.synonyms.flat(),
      ...PlaceFinder.names(regions),
    ]);
    const stopWords = [
      ...catalog.functionWords,
      ...lexicon.keywordStopWords,
      ...Object.keys(lexicon.negators),
      ...Object.keys(lexicon.modifiers),
      ...lexicon.contrast,
    ];
    this.components = [
      new OpinionText(segmenter),
      new SentimentScorer(new SentimentLexicon(lexicon)),
      ...(model ? [new ModelSentiment(model)] : []),
      new EmotionDetector(lexicon.thresholds.defaultNegativeEmotion),
      new KeywordFinder(new KeywordExtractor(segmenter, stopWords), [
        ...caseCategories.flatMap((category) => category.keywords),
        ...catalog.departments.flatMap((department) => department.keywords),
      ]),
      new PlaceFinder(regions),
    ];
  }

  analyzeMessage(text: string): OpinionAnalysis {
    const message = newOpinionMessage(text);
    for (const component of this.components) component.process(message);
    const { sentiment, sentimentScore, emotion, keywords, places } = message;
    return { sentiment, sentimentScore, emotion, keywords, places };
  }
}
