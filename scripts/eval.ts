// `npm run eval`: how well the hub understands citizens, on the repo's own labeled
// sets in tests/fixtures/eval/ (written apart from the catalog's examples). Prints
// each figure beside its target; `--misses` lists the questions it got wrong, and
// `--json` ends with one JSON line of the figures.
import { evaluateUnderstanding, formatReport, readEvalSets } from "../src/language/understanding-evaluation.ts";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Understander } from "../src/language/understander.ts";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const args = new Set(process.argv.slice(2));
const catalog = await loadCatalog(process.env.INTENTS_DIR ?? path.join(root, "intents"));
// The hub's own configuration: the catalog plus the trained message model.
const understander = new Understander(catalog, { messageModel: loadMessageModel(process.env.MESSAGE_MODEL_DIR) });
const sets = await readEvalSets(path.join(root, "tests/fixtures/eval"));
const report = evaluateUnderstanding(understander, sets);
console.log(formatReport(report, { misses: args.has("--misses") }));
if (args.has("--json")) console.log(JSON.stringify(report.metrics));
