// The opinion analyzer of an intents/ directory: the catalog and the case categories (for
// their words), the gazetteer (regions.yaml), the lexicon (opinion-lexicon.yaml), each validated (a bad
// file throws CatalogError naming every problem), and the trained emotion model
// (models/opinion) when there is one. The hub builds it from its knowledge snapshot instead
// (opinion-recorders.ts), so a reload of intents/ reaches the analysis too.
import fs from "node:fs";
import path from "node:path";
import type { CaseRules } from "../knowledge/case-rules-schema.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { Region } from "../knowledge/gazetteer-schema.ts";
import { loadCaseRules } from "../knowledge/load-case-rules.ts";
import { loadCatalog } from "../knowledge/load-catalog.ts";
import { loadGazetteer } from "../knowledge/load-gazetteer.ts";
import { loadOpinionLexicon } from "../knowledge/load-opinion-lexicon.ts";
import type { OpinionLexicon } from "../knowledge/opinion-lexicon-schema.ts";
import { MessageModel } from "../language/components/message-model/message-model.ts";
import { OpinionAnalyzer } from "./opinion-analyzer.ts";

/** The shipped emotion model's directory inside an intents/ directory. */
export const OPINION_MODEL_DIR = "models/opinion";

export interface OpinionAnalyzerOptions {
  /**
   * The trained emotion model's directory (`npm run nlp -- train … --model <dir>`):
   * default `<intentsDir>/models/opinion` when it exists; `false` for the lexicon alone.
   */
  modelDir?: string | false;
}

/** What the analysis reads from intents/ (a knowledge snapshot holds all of it). */
export interface OpinionKnowledge {
  catalog: Catalog;
  caseRules: Pick<CaseRules, "categories">;
  regions: readonly Region[];
  opinionLexicon: OpinionLexicon;
}

/** Reads and validates what the analysis needs from an intents/ directory (for the CLI). */
export async function loadOpinionKnowledge(intentsDir: string): Promise<OpinionKnowledge> {
  const [catalog, regions, opinionLexicon] = await Promise.all([
    loadCatalog(intentsDir),
    loadGazetteer(intentsDir),
    loadOpinionLexicon(intentsDir),
  ]);
  return { catalog, caseRules: await loadCaseRules(intentsDir, catalog), regions, opinionLexicon };
}

export async function loadOpinionAnalyzer(
  intentsDir: string,
  options: OpinionAnalyzerOptions = {},
): Promise<OpinionAnalyzer> {
  return opinionAnalyzerOf(await loadOpinionKnowledge(intentsDir), intentsDir, options);
}

/** The analyzer of data already read; the model, when there is one, is read from `intentsDir`. */
export function opinionAnalyzerOf(
  { catalog, caseRules, regions, opinionLexicon }: OpinionKnowledge,
  intentsDir: string,
  options: OpinionAnalyzerOptions = {},
): OpinionAnalyzer {
  const shipped = path.join(intentsDir, OPINION_MODEL_DIR);
  const modelDir = options.modelDir ?? (fs.existsSync(path.join(shipped, "model.json")) ? shipped : false);
  // The model's segmenter is the process's one jieba, which the analyzer teaches the catalog's and city's words.
  const model = modelDir === false ? undefined : MessageModel.load(modelDir);
  return new OpinionAnalyzer({
    catalog,
    caseCategories: caseRules.categories,
    regions,
    lexicon: opinionLexicon,
    ...(model ? { model } : {}),
  });
}
