// The one interface of the understander's pipeline steps, in the spirit of Rasa's
// components: each reads what the earlier ones wrote on the message and adds its own
// finding; one that settles the message (a greeting, a complaint …) writes the
// understanding, and the pipeline stops there.
//
// Rasa's other verbs, where they apply: a component built from the catalog trains in its
// constructor (the service matcher fits its models; the cue components index their
// phrases), so a catalog reload builds a new pipeline. The trained message classifier is
// trained offline (message-model/train-classifier.ts), persisted and loaded as a model
// directory (message-model/model-file.ts, MessageModel.load).
import type { Facet, ServiceItem } from "../../knowledge/catalog-schema.ts";
import type { Terms } from "../ml/feature-vocabulary.ts";
import type { HeadLevel } from "./head-concepts.ts";
import type { Understanding } from "./understanding.ts";

export interface AnalyzedText extends Terms {
  /** The normalized text (half-width, simplified, no emoji, lower case). */
  text: string;
  /** The segmenter's words as cut, before typo repair and canonical forms: the trained message model's word features. */
  segmented: string[];
  /** Canonical tokens in order, typos repaired: 身分正 → 居民身份证. */
  tokens: string[];
  /** The tokens plus the known words inside longer ones (身份证丢了 → 居民身份证, 丢了). */
  words: string[];
  /** Tokens that carry meaning (two or more characters, Han, not a function word like 请问). */
  content: string[];
}

export interface ServiceCandidate {
  item: ServiceItem;
  /** Calibrated probability (0–1) that this is the item the question is about. */
  probability: number;
  /** Share of the question's weight that the item explains (0–1). */
  coverage: number;
  /** Which of the question's meaningful words the item uses (bit i = content word i). */
  explains: number;
  /** How much of the item's head concept the question names (head-concepts.ts). */
  head: HeadLevel;
}

export interface FacetReading {
  facet: Facet;
  /** True when nothing but the facet and filler words is left: the question names no item. */
  alone: boolean;
}

/** A message on its way through the pipeline. */
export interface Message {
  readonly raw: string;
  /** Set by the first component, the text analyzer. */
  analyzed?: AnalyzedText;
  /** The catalog items it may be about (the service matcher). */
  candidates?: ServiceCandidate[];
  /** The part of an item it asks about (the facet detector). */
  facet?: FacetReading;
  /** Set by the component that settles the message. */
  understanding?: Understanding;
}

export interface Component {
  process(message: Message): void;
}
