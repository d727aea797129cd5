// The recorder of an intents/ directory: the opinion analyzer (load-opinion-analyzer.ts) and
// the catalog's domain cues (message-kinds.yaml), as the import CLI uses them; the hub builds
// the same from its knowledge snapshot (opinion-recorders.ts).
import { DomainClassifier } from "../language/components/domain-classifier.ts";
import {
  loadOpinionKnowledge,
  type OpinionAnalyzerOptions,
  type OpinionKnowledge,
  opinionAnalyzerOf,
} from "./load-opinion-analyzer.ts";
import { OpinionRecorder } from "./opinion-recorder.ts";

export async function loadOpinionRecorder(
  intentsDir: string,
  options: OpinionAnalyzerOptions = {},
): Promise<OpinionRecorder> {
  return opinionRecorderOf(await loadOpinionKnowledge(intentsDir), intentsDir, options);
}

/** The recorder of data already read (the analyzer and the catalog's domain cues). */
export function opinionRecorderOf(
  knowledge: OpinionKnowledge,
  intentsDir: string,
  options: OpinionAnalyzerOptions = {},
): OpinionRecorder {
  const domains = new DomainClassifier(knowledge.catalog.messageKinds.domains);
  return new OpinionRecorder(
    opinionAnalyzerOf(knowledge, intentsDir, options),
    (text) => domains.classify(text)?.domain,
  );
}
