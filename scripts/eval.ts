// `npm run eval`: how well the hub understands citizens, on the repo's own labeled
// sets in tests/fixtures/eval/ (written apart from the catalog's examples), or on the
// sets of another directory (`--dir <dir>`: questions.jsonl or service-questions.jsonl,
// out-of-catalog.jsonl, complaints.jsonl, not-complaints.jsonl or non-complaints.jsonl).
// Prints each figure beside its target and no question's text; `--misses` lists the
// questions it got wrong, and `--json` ends with one JSON line of the figures.
import path from "node:path";
import { parseArgs } from "node:util";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Understander } from "../src/language/understander.ts";
import { evaluateUnderstanding, formatReport, readEvalSets } from "../src/language/understanding-evaluation.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    misses: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const catalog = await loadCatalog(process.env.INTENTS_DIR ?? path.join(root, "intents"));
// The hub's own configuration: the catalog plus the trained message model.
const understander = new Understander(catalog, { messageModel: loadMessageModel(process.env.MESSAGE_MODEL_DIR) });
const dir = values.dir ? path.resolve(values.dir) : path.join(root, "tests/fixtures/eval");
const sets = await readEvalSets(dir);
const report = evaluateUnderstanding(understander, sets);
console.log(`Sets: ${path.relative(process.cwd(), dir) || "."}`);
console.log(formatReport(report, { misses: values.misses }));
if (values.json) console.log(JSON.stringify(report.metrics));
