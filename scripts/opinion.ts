// `npm run opinion -- analyze <file.jsonl> [--intents <dir>]`
// `npm run opinion -- eval <labelled.jsonl> [--intents <dir>] [--json]`
// analyze: one JSON object per input line, in order —
//   {sentiment, sentimentScore, emotion, keywords, places: [{name, code, level}]};
//   a line that is not a JSON object with a string "text" gets {"error": "..."} in its place
//   (and the exit code is 1). Blank lines are skipped.
// eval: sentiment and emotion metrics on labelled JSON Lines (see src/opinion/opinion-evaluation.ts);
//   with --json the last line is one JSON object {sentiment, negativeVsRest, emotion, messagesPerSecond}.
// import: analyses a file of history (JSON Lines or CSV: text, time, channel?, externalId?, place?)
//   in batches and stores it in the hub's database (DATABASE_URL, else the embedded one under
//   DATA_DIR) like live messages, once per record; prints received/analyzed/duplicates/rejected.
// tune: chooses the sentiment bands on half of labelled JSON Lines and reports them on the other
//   half (src/opinion/band-tuning.ts). Only for data the deployment owns or wrote: never tune on
//   the data the figures are reported on.
// rollup-days: rebuilds the daily rollups from the hourly ones in TIME_ZONE (after it changed).
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { databaseTarget, openDatabase } from "../src/db/database.ts";
import { describeDatabaseError } from "../src/db/describe-error.ts";
import { migrate } from "../src/db/migrate.ts";
import { CatalogError } from "../src/knowledge/load-catalog.ts";
import { oneVsRestReport, type TaskReport } from "../src/language/ml/metrics.ts";
import { bestBands, isTuneHalf, reportAt, type ScoredMessage } from "../src/opinion/band-tuning.ts";
import { loadOpinionAnalyzer, type OpinionAnalyzerOptions } from "../src/opinion/load-opinion-analyzer.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import { csvLines, importOpinions, jsonLines } from "../src/opinion/opinion-import.ts";
import { rebuildDailyRollups } from "../src/opinion/opinion-rollup-days.ts";
import type { OpinionAnalyzer } from "../src/opinion/opinion-analyzer.ts";
import {
  evaluateOpinions,
  formatOpinionEvaluation,
  type LabelledOpinion,
  LabelledOpinionError,
  parseLabelledOpinions,
} from "../src/opinion/opinion-evaluation.ts";

const USAGE = `usage:
  npm run opinion -- analyze <file.jsonl> [--intents <dir>] [--model <dir> | --lexicon-only]
  npm run opinion -- eval    <labelled.jsonl> [--intents <dir>] [--model <dir> | --lexicon-only] [--json]
  npm run opinion -- tune    <labelled.jsonl> [--intents <dir>]
  npm run opinion -- import  <file.jsonl|file.csv> [--intents <dir>] [--model <dir> | --lexicon-only] [--json]
  npm run opinion -- rollup-days

--model: the emotion model for messages without a sentiment word (npm run nlp -- train … --model <dir>);
default <intents>/models/opinion. --lexicon-only: no model.

file.jsonl: one JSON object per line with a "text" field.
labelled.jsonl: "text" and "sentiment" (negative|neutral|positive) and/or "emotion"
(愤怒 焦虑/担忧 悲伤 喜悦/感谢 中性, or angry fear sad happy neutral surprise).
import: JSON Lines, or CSV with a header row (.csv), one record each: "text", "time" (ISO 8601; without
a zone, in TIME_ZONE), and
optionally "channel" (default import), "externalId" (a record is stored once per channel and externalId,
or per time and text without one) and "place". Stored in the hub's database (DATABASE_URL, else the
embedded one under DATA_DIR: stop the hub first).
rollup-days: after TIME_ZONE changed, rebuilds the per-day counts in the new zone from the hourly ones
(until then the hub reads hours only, slower for long periods).`;

const DEFAULT_INTENTS = path.resolve(import.meta.dirname, "../intents");

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      intents: { type: "string" },
      model: { type: "string" },
      "lexicon-only": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command === "rollup-days") {
    if (file) throw new UsageError(`unexpected argument "${file}"`);
    return rollupDays();
  }
  if (command !== "analyze" && command !== "eval" && command !== "tune" && command !== "import")
    throw new UsageError(command ? `unknown command "${command}"` : "missing command");
  if (!file)
    throw new UsageError(
      `${command}: missing <${command === "analyze" || command === "import" ? "file" : "labelled"}.jsonl>`,
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.model && values["lexicon-only"]) throw new UsageError("--model and --lexicon-only exclude each other");
  if (!fs.existsSync(file)) throw new LabelledOpinionError(`${file}: no such file`);
  // tune chooses the lexicon's bands: on the lexicon's scores alone.
  const modelDir = values["lexicon-only"] || command === "tune" ? false : values.model;
  if (command === "import")
    return importFile(file, values.intents ?? DEFAULT_INTENTS, modelDir === undefined ? {} : { modelDir }, values.json);
  const analyzer = await loadOpinionAnalyzer(
    values.intents ?? DEFAULT_INTENTS,
    modelDir === undefined ? {} : { modelDir },
  );
  if (command === "tune") {
    tune(analyzer, parseLabelledOpinions(fs.readFileSync(file, "utf8"), file), file);
    return 0;
  }
  if (command === "eval") {
    const messages = parseLabelledOpinions(fs.readFileSync(file, "utf8"), file);
    const started = performance.now();
    const evaluation = evaluateOpinions(analyzer, messages);
    const messagesPerSecond = Math.round(messages.length / ((performance.now() - started) / 1000));
    console.log(`evaluated the opinion analysis on ${messages.length} messages from ${file}\n`);
    console.log(formatOpinionEvaluation(evaluation));
    console.log(`\n${messagesPerSecond} messages/s (analysis only, one core, this run)`);
    if (values.json) console.log(JSON.stringify({ ...evaluation, messagesPerSecond }));
    return 0;
  }
  let failed = 0;
  let lineNumber = 0;
  let out = "";
  const input = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of input) {
    lineNumber++;
    if (line.trim() === "") continue;
    let text: unknown;
    try {
      text = (JSON.parse(line) as { text?: unknown } | null)?.text;
    } catch {
      text = undefined;
    }
    if (typeof text === "string") out += `${JSON.stringify(analyzer.analyzeMessage(text))}\n`;
    else {
      failed++;
      out += `${JSON.stringify({ error: `第${lineNumber}行：不是带 text 文字字段的 JSON 对象` })}\n`;
    }
    if (out.length > 65_536) {
      if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      out = "";
    }
  }
  process.stdout.write(out);
  if (failed > 0) console.error(`${file} 中有 ${failed} 行不是带 text 文字字段的 JSON 对象`);
  return failed > 0 ? 1 : 0;
}

async function importFile(
  file: string,
  intentsDir: string,
  options: OpinionAnalyzerOptions,
  json: boolean,
): Promise<number> {
  const recorder = await loadOpinionRecorder(intentsDir, options);
  let db: Awaited<ReturnType<typeof openDatabase>>;
  const config = loadConfig();
  try {
    db = await openDatabase(databaseTarget(config));
  } catch (error) {
    console.error(describeDatabaseError(error, "导入无法运行 / import could not run"));
    return 2;
  }
  try {
    await migrate(db.sql);
    const chunks = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 });
    const started = performance.now();
    const report = await importOpinions(
      db.sql,
      recorder,
      file.toLowerCase().endsWith(".csv") ? csvLines(chunks) : jsonLines(chunks),
      { timeZone: config.timeZone },
    );
    const seconds = (performance.now() - started) / 1000;
    const perSecond = Math.round(report.received / seconds);
    if (json) console.log(JSON.stringify({ ...report, seconds, messagesPerSecond: perSecond }));
    else {
      console.log(`已将 ${file} 导入${db.backend === "pglite" ? "内置数据库" : " PostgreSQL 数据库"}`);
      console.log(
        `  读到 ${report.received} 条，新分析入库 ${report.analyzed} 条，重复 ${report.duplicates} 条，未导入 ${report.rejected.length} 条`,
      );
      for (const { error } of report.rejected.slice(0, 20)) console.log(`  ${error}`);
      if (report.rejected.length > 20) console.log(`  ……另有 ${report.rejected.length - 20} 条未导入`);
      console.log(`  用时 ${seconds.toFixed(1)} 秒，每秒 ${perSecond} 条（分析与写入，本次运行）`);
    }
    return report.rejected.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

async function rollupDays(): Promise<number> {
  const config = loadConfig();
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(databaseTarget(config));
  } catch (error) {
    console.error(describeDatabaseError(error, "无法重建按日统计 / could not rebuild the daily rollups"));
    return 2;
  }
  try {
    await migrate(db.sql);
    const rows = await rebuildDailyRollups(db.sql, config.timeZone);
    console.log(`rebuilt the daily rollups in ${config.timeZone}: ${rows} rows`);
    return 0;
  } finally {
    await db.close();
  }
}

function tune(analyzer: OpinionAnalyzer, messages: LabelledOpinion[], file: string): void {
  const scored: ScoredMessage[] = messages.flatMap((m) =>
    m.sentiment ? [{ text: m.text, truth: m.sentiment, score: analyzer.analyzeMessage(m.text).sentimentScore }] : [],
  );
  const tuneHalf = scored.filter((m) => isTuneHalf(m.text));
  const checkHalf = scored.filter((m) => !isTuneHalf(m.text));
  const current = analyzer.thresholds;
  const { bands, macroF1 } = bestBands(tuneHalf, current.defaultNegativeEmotion);
  const line = (label: string, report: TaskReport) => {
    const negative = oneVsRestReport(report.confusion, "negative", "rest");
    return `  ${label}: accuracy ${(report.accuracy! * 100).toFixed(1)}%, macro-F1 ${report.macroF1!.toFixed(3)}, negative-vs-rest macro-F1 ${negative.macroF1!.toFixed(3)}`;
  };
  console.log(
    `${scored.length} messages with a sentiment label in ${file}: ${tuneHalf.length} to tune on, ${checkHalf.length} to check on`,
  );
  console.log(
    `best bands on the tune half: negativeBand ${bands.negativeBand}, positiveBand ${bands.positiveBand} (macro-F1 ${macroF1.toFixed(3)})`,
  );
  console.log(line("check half, best bands", reportAt(checkHalf, bands)));
  console.log(
    line(
      `check half, the lexicon's bands (${current.negativeBand}, ${current.positiveBand})`,
      reportAt(checkHalf, current),
    ),
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`error: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof LabelledOpinionError || err instanceof CatalogError) {
      console.error(`error: ${(err as Error).message}`);
      process.exitCode = 1;
    } else throw err;
  },
);
