// The recorder of an intents/ directory: the opinion analyzer (load-opinion-analyzer.ts) and
// the catalog's domain cues (message-kinds.yaml), as the hub's worker and the import use them.
import { loadCatalog } from "../knowledge/load-catalog.ts";
import { DomainClassifier } from "../language/components/domain-classifier.ts";
import { loadOpinionAnalyzer, type OpinionAnalyzerOptions } from "./load-opinion-analyzer.ts";
import { OpinionRecorder } from "./opinion-recorder.ts";

export async function loadOpinionRecorder(
  intentsDir: string,
  options: OpinionAnalyzerOptions = {},
): Promise<OpinionRecorder> {
  const [analyzer, catalog] = await Promise.all([loadOpinionAnalyzer(intentsDir, options), loadCatalog(intentsDir)]);
  const domains = new DomainClassifier(catalog.messageKinds.domains);
  return new OpinionRecorder(analyzer, (text) => domains.classify(text)?.domain);
}
