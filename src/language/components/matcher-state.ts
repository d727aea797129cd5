// A trained service matcher as plain data: its vocabulary, indexes and weights, trained in
// a worker thread (a city's catalog takes seconds of CPU) and sent to the thread that
// answers, which wraps them in a ServiceMatcher again (ServiceMatcher.state / fromState).
// Strings and numbers are structured-cloned; the typed arrays (most of the bytes) are
// transferred, not copied.
import type { Bm25State } from "../ml/bm25-index.ts";
import type { SoftmaxState } from "../ml/softmax-classifier.ts";

export interface MatcherState {
  /** The answering model's feature names, by id (FeatureVocabulary.featureNames). */
  features: readonly string[];
  /** The word parts of the items' texts that model learned (see familiarParts in service-matcher.ts). */
  familiar: readonly string[];
  itemIndex: Bm25State;
  exampleIndex: Bm25State;
  exampleItem: Int32Array;
  itemUses: Uint32Array;
  usedByItems: Uint8Array;
  classifier: SoftmaxState;
  /** The re-ranker's weights, then its bias. */
  reranker: Float64Array;
  soleHead: { questions: number; accuracy: number };
  foldModels: number;
}

/** The state's buffers, each once: postMessage's transfer list (they move to the receiver). */
export function transferList(state: MatcherState): ArrayBuffer[] {
  const { itemIndex, exampleIndex, classifier } = state;
  const arrays: ArrayBufferView[] = [
    ...[itemIndex, exampleIndex].flatMap(({ start, doc, weight, idfs }) => [start, doc, weight, idfs]),
    state.exampleItem,
    state.itemUses,
    state.usedByItems,
    classifier.model.start,
    classifier.model.classes,
    classifier.model.weights,
    classifier.model.bias,
    state.reranker,
  ];
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}
