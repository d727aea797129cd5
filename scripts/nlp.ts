// `npm run nlp -- train <labeled.jsonl> --model <dir> [--seed N]`
// `npm run nlp -- eval  <labeled.jsonl> --model <dir> [--json]`
// `npm run nlp -- suggest-aliases <unanswered.json> [--json]`
// Trains the message classifier (type, domain, emotion) from labeled JSON Lines, or
// measures one. With --json, eval's last line is one JSON object with every figure.
// suggest-aliases reads the unanswered-question report (GET /api/admin/unanswered, saved
// to a file) and proposes, per group, an alias for the item the citizens most likely meant.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { TASKS } from "../src/language/components/message-model/classifier-model.ts";
import {
  evaluateClassifier,
  formatClassifierReport,
} from "../src/language/components/message-model/evaluate-classifier.ts";
import { LabeledDataError, readLabeledMessages } from "../src/language/components/message-model/labeled-messages.ts";
import { MessageModel } from "../src/language/components/message-model/message-model.ts";
import { ModelFileError, saveModel } from "../src/language/components/message-model/model-file.ts";
import { trainClassifier, TrainingError } from "../src/language/components/message-model/train-classifier.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { AliasSuggester, type UnansweredGroupInput } from "../src/language/alias-suggestions.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Understander } from "../src/language/understander.ts";

const USAGE = `usage:
  npm run nlp -- train <labeled.jsonl> --model <dir> [--seed N]
  npm run nlp -- eval  <labeled.jsonl> --model <dir> [--json]
  npm run nlp -- suggest-aliases <unanswered.json> [--json]

labeled.jsonl: one JSON object per line with "text" and any of "type", "domain", "emotion"
(a missing or null label is skipped for that task).
unanswered.json: the answer of GET /api/admin/unanswered ({"groups": [{"text", "count", …}]}).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      json: { type: "boolean", default: false },
      seed: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, file, ...extra] = positionals;
  if (command === "suggest-aliases") {
    if (!file) throw new UsageError(`${command}: missing <unanswered.json>`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    return suggestAliases(file, values.json);
  }
  if (command !== "train" && command !== "eval")
    throw new UsageError(command ? `unknown command "${command}"` : "missing command");
  if (!file) throw new UsageError(`${command}: missing <labeled.jsonl>`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!values.model) throw new UsageError(`${command}: missing --model <dir>`);
  if (command === "train") train(file, values.model, values.seed);
  else evaluate(file, values.model, values.json);
}

function train(file: string, modelDir: string, seedText: string | undefined): void {
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw new UsageError(`--seed must be an integer, got "${seedText}"`);
  const messages = readLabeledMessages(file);
  const started = performance.now();
  const model = trainClassifier(messages, new Segmenter([]), seed === undefined ? {} : { seed });
  const seconds = (performance.now() - started) / 1000;
  saveModel(model, modelDir);
  const bytes = fs.readdirSync(modelDir).reduce((n, f) => n + fs.statSync(path.join(modelDir, f)).size, 0);
  console.log(`trained on ${messages.length} messages from ${file} in ${seconds.toFixed(1)} s`);
  for (const task of TASKS) {
    const layer = model.tasks[task];
    if (!layer) console.log(`  ${task}: no labels, not trained`);
    else
      console.log(
        `  ${task}: ${model.training.labeled[task]} labeled, ${layer.labels.length} labels (${layer.labels.join(" ")}), temperature ${layer.temperature.toFixed(2)}`,
      );
  }
  console.log(`  ${model.hashes.length} features; model written to ${modelDir} (${(bytes / 1e6).toFixed(1)} MB)`);
}

function evaluate(file: string, modelDir: string, json: boolean): void {
  const messages = readLabeledMessages(file);
  const classifier = MessageModel.load(modelDir);
  const report = evaluateClassifier(classifier, messages);
  console.log(`evaluated ${modelDir} on ${messages.length} messages from ${file}\n`);
  console.log(formatClassifierReport(report));
  if (json) console.log(JSON.stringify(report));
}

async function suggestAliases(file: string, json: boolean): Promise<void> {
  let groups: UnansweredGroupInput[];
  try {
    groups = (JSON.parse(fs.readFileSync(file, "utf8")) as { groups?: UnansweredGroupInput[] }).groups ?? [];
  } catch (err) {
    throw new UsageError(`${file}: not the unanswered report's JSON (${(err as Error).message})`);
  }
  const root = path.resolve(import.meta.dirname, "..");
  const catalog = await loadCatalog(process.env.INTENTS_DIR ?? path.join(root, "intents"));
  const understander = new Understander(catalog, { messageModel: loadMessageModel(process.env.MESSAGE_MODEL_DIR) });
  const suggestions = new AliasSuggester(catalog, understander).suggest(groups);
  if (json) {
    console.log(JSON.stringify(suggestions));
    return;
  }
  console.log(`${suggestions.length} proposals from ${groups.length} groups of unanswered questions:`);
  for (const s of suggestions)
    console.log(`  ${s.itemCode} ${s.itemName}  ← ${s.alias}   (${s.count}×, e.g. “${s.question}”)`);
  if (suggestions.length > 0)
    console.log("\nAdd the right ones to `aliases` in intents/items/<code>.yaml, then run npm run eval.");
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof LabeledDataError || err instanceof ModelFileError || err instanceof TrainingError) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
