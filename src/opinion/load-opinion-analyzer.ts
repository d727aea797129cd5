// The opinion analyzer of an intents/ directory: the catalog (for its words), the
// gazetteer (regions.yaml) and the lexicon (opinion-lexicon.yaml), each validated;
// a bad file throws CatalogError naming every problem.
import { loadCatalog } from "../knowledge/load-catalog.ts";
import { loadGazetteer } from "../knowledge/load-gazetteer.ts";
import { loadOpinionLexicon } from "../knowledge/load-opinion-lexicon.ts";
import { OpinionAnalyzer } from "./opinion-analyzer.ts";

export async function loadOpinionAnalyzer(intentsDir: string): Promise<OpinionAnalyzer> {
  const [catalog, regions, lexicon] = await Promise.all([
    loadCatalog(intentsDir),
    loadGazetteer(intentsDir),
    loadOpinionLexicon(intentsDir),
  ]);
  return new OpinionAnalyzer({ catalog, regions, lexicon });
}
