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
import type { FacetReading } from "./facet-detector.ts";
import type { ServiceCandidate } from "./service-matcher.ts";
import type { AnalyzedText } from "./text-analyzer.ts";
import type { Understanding } from "./understanding.ts";

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
