// Import with analysis (issue 14: ≥ 5,000 messages/s on this 2-core machine), end to end as
// `npm run opinion -- import` does it: a JSON Lines file streamed, each record masked,
// analysed and written with its hourly rollups in batches (src/opinion/opinion-import.ts),
// into PostgreSQL (a `DATABASE_URL` service), into the embedded default (the hub's private
// PostgreSQL server under DATA_DIR, durable) and into PGlite, its fallback. Beside it, in the same
// process and on the same records, the baseline: the analysis alone (mask, analyse, domain)
// without any database. The texts are those of ../shared/eval/sentiment/dev.jsonl when it is
// there (only their text is used), else the team's intents/training/opinion.jsonl, repeated
// with distinct externalIds and times spread over 90 days.
//
// `npx tsx bench/opinion-import.ts` runs it alone (BENCH_OPINION_IMPORT_N records, default
// 20,000); `npm run bench` runs it after the opinion analysis benchmark.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type DatabaseTarget } from "../src/db/database.ts";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.ts";
import { migrate } from "../src/db/migrate.ts";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import { importOpinions, importRecord, jsonLines, type ImportReport } from "../src/opinion/opinion-import.ts";
import type { OpinionSourceRecord } from "../src/opinion/opinion-recorder.ts";
import { hasWords } from "../src/opinion/opinion-source.ts";
import { root, withBenchDatabase } from "./processes.ts";
import { cpuMs } from "./understanding.ts";

const DEV_FILE = path.resolve(root, "../shared/eval/sentiment/dev.jsonl");
const OWN_FILE = path.join(root, "intents/training/opinion.jsonl");
const COUNT = Number(process.env.BENCH_OPINION_IMPORT_N ?? 20_000);
/** Issue 14: import with analysis at ≥ 5,000 messages/s. */
const TARGET = 5_000;
const DAYS = 90;

export interface ImportRun {
  label: string;
  records: number;
  perWallSecond: number;
  /** This process's CPU (a PostgreSQL server's is not in it; PGlite's is). */
  perCpuSecond: number;
  report?: ImportReport;
}

function records(file: string, count: number): string {
  const texts = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text?: unknown }).text)
    .filter((text): text is string => typeof text === "string" && hasWords(text));
  const start = Date.UTC(2026, 8, 1);
  const step = (DAYS * 86_400_000) / count;
  const lines: string[] = [];
  for (let i = 0; i < count; i++)
    lines.push(
      JSON.stringify({
        text: texts[i % texts.length],
        time: new Date(start + Math.floor(i * step)).toISOString(),
        channel: "weibo",
        externalId: `bench-${i}`,
      }),
    );
  return `${lines.join("\n")}\n`;
}

async function timed(label: string, records: number, run: () => Promise<ImportReport | undefined>): Promise<ImportRun> {
  const wall = performance.now();
  const cpu = cpuMs();
  const report = await run();
  const seconds = (performance.now() - wall) / 1000;
  return {
    label,
    records,
    perWallSecond: records / seconds,
    perCpuSecond: records / ((cpuMs() - cpu) / 1000),
    ...(report && { report }),
  };
}

async function importInto(target: DatabaseTarget, file: string, label: string, count: number): Promise<ImportRun> {
  const recorder = await loadOpinionRecorder(path.join(root, "intents"));
  const db = await openDatabase(target);
  try {
    await migrate(db.sql);
    return await timed(label, count, () =>
      importOpinions(
        db.sql,
        recorder,
        jsonLines(fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })),
      ),
    );
  } finally {
    await db.close();
  }
}

export async function runOpinionImportBench(count = COUNT): Promise<ImportRun[]> {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const source = fs.existsSync(DEV_FILE) ? DEV_FILE : OWN_FILE;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opinion-import-bench-"));
  fs.chmodSync(dir, 0o755); // as root, the private PostgreSQL runs as postgres and must enter it
  const file = path.join(dir, "history.jsonl");
  fs.writeFileSync(file, records(source, count));
  const runs: ImportRun[] = [];
  try {
    const recorder = await loadOpinionRecorder(path.join(root, "intents"));
    const parsed = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l)
      .map((l) => importRecord(JSON.parse(l) as Record<string, unknown>) as OpinionSourceRecord);
    // Warm-up (JIT, jieba's caches), then the baseline on the same records.
    for (const record of parsed.slice(0, 2_000)) recorder.row(record);
    runs.push(
      await timed("analysis alone (baseline)", count, async () => {
        for (const record of parsed) recorder.row(record);
        return undefined;
      }),
    );
    await withBenchDatabase(async (url) => {
      if (url) runs.push(await importInto({ backend: "postgresql", url }, file, "import into PostgreSQL", count));
    });
    const dataDir = fs.mkdirSync(path.join(dir, "data"), { recursive: true })!;
    const embedded = await startEmbeddedPostgres(dataDir, { info: () => {}, warn: () => {} });
    try {
      runs.push(
        await importInto({ backend: "postgresql", url: embedded.url }, file, "import into the embedded default", count),
      );
    } finally {
      await embedded.stop();
    }
    runs.push(
      await importInto(
        { backend: "pglite", dataDir: path.join(dir, "pglite") },
        file,
        "import into PGlite (fallback)",
        count,
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Opinion import benchmark: ${fmt(count)} records (texts from ${path.relative(root, source)}) over ${DAYS} days, JSON Lines, batches of 1,000, one process; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.cpus().length} cores.\n`,
  );
  for (const run of runs)
    console.log(
      `${run.label.padEnd(32)} ${fmt(run.perWallSecond).padStart(8)} msg/s wall   ${fmt(run.perCpuSecond).padStart(8)} msg/CPU-s (this process)${run.report ? `   analyzed ${fmt(run.report.analyzed)}, duplicates ${fmt(run.report.duplicates)}, rejected ${run.report.rejected.length}` : ""}`,
    );
  for (const run of runs.filter((r) => r.report))
    console.log(
      `  ${run.label}: target ≥ ${fmt(TARGET)} msg/s ${run.perWallSecond >= TARGET ? "met" : "NOT MET"}; ${((run.perWallSecond / runs[0]!.perWallSecond) * 100).toFixed(1)}% of the analysis alone`,
    );
  return runs;
}

if (import.meta.url === `file://${process.argv[1]}`) await runOpinionImportBench();
