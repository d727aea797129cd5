// The opinion analysis (src/opinion, issue 14) on its own: analyzeMessage on one core,
// printed beside raw jieba segmentation of the same messages measured in the same run
// (the baseline), and beside normalizing and cutting alone (what every analysis step
// starts from). The messages are the texts of ../shared/eval/sentiment/dev.jsonl (Weibo
// posts, ~47 characters) when that file is there — only their text is used here — and
// the team's own intents/training/opinion.jsonl otherwise. Judged per CPU-second, like
// bench/understanding.ts (whose burst and comparison it shares).
//
// `npx tsx bench/opinion-analysis.ts` runs it alone; `npm run bench` runs it after the
// understanding benchmark.
import fs from "node:fs";
import path from "node:path";
import { loadOpinionAnalyzer } from "../src/opinion/load-opinion-analyzer.ts";
import { normalizeText } from "../src/language/text/normalize.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { root } from "./processes.ts";
import { BURST_MS, compare, cpuMs, type Rate, ROUNDS } from "./understanding.ts";

const DEV_FILE = path.resolve(root, "../shared/eval/sentiment/dev.jsonl");
const OWN_FILE = path.join(root, "intents/training/opinion.jsonl");
/** Issue 14: import with analysis at ≥ 5,000 messages/s on the 2-core machine. */
const TARGET = 5_000;

export interface OpinionFigures {
  loadMs: { wall: number; cpu: number };
  jieba: Rate;
  normalizeAndCut: Rate;
  analysis: Rate;
}

function texts(file: string): string[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

export async function runOpinionBench(): Promise<OpinionFigures> {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
  const source = fs.existsSync(DEV_FILE) ? DEV_FILE : OWN_FILE;
  const messages = texts(source);
  const wall = performance.now();
  const cpu = cpuMs();
  const analyzer = await loadOpinionAnalyzer(path.join(root, "intents"));
  const loadMs = { wall: performance.now() - wall, cpu: cpuMs() - cpu };
  const segmenter = new Segmenter([]);
  const [jieba, normalizeAndCut, analysis] = compare(messages, [
    (text) => segmenter.cut(text),
    (text) => segmenter.cut(normalizeText(text)),
    (text) => analyzer.analyzeMessage(text),
  ]) as [Rate, Rate, Rate];
  const chars = messages.reduce((n, t) => n + t.length, 0) / messages.length;
  console.log(
    `Opinion analysis benchmark: ${fmt(messages.length)} messages (~${chars.toFixed(0)} characters) from ${path.relative(root, source)}, best of ${ROUNDS} alternating ${BURST_MS} ms bursts, one core.\n`,
  );
  console.log(
    `analyzer load (catalog, gazetteer, lexicon, model, jieba, idf) ${fmt(loadMs.wall)} ms wall, ${fmt(loadMs.cpu)} ms CPU`,
  );
  console.log(
    `raw jieba segmentation (baseline) ${fmt(jieba.perCpuSecond).padStart(8)} msg/CPU-s   (${fmt(jieba.perWallSecond)} msg/s wall)`,
  );
  console.log(
    `normalize + cut                   ${fmt(normalizeAndCut.perCpuSecond).padStart(8)} msg/CPU-s   (${fmt(normalizeAndCut.perWallSecond)} msg/s wall)`,
  );
  console.log(
    `analyzeMessage (all steps)        ${fmt(analysis.perCpuSecond).padStart(8)} msg/CPU-s   (${fmt(analysis.perWallSecond)} msg/s wall)`,
  );
  console.log(
    `  target ≥ ${fmt(TARGET)} msg/s: ${verdict(analysis.perCpuSecond >= TARGET)} on one core; ${((analysis.perCpuSecond / jieba.perCpuSecond) * 100).toFixed(1)}% of raw segmentation`,
  );
  return { loadMs, jieba, normalizeAndCut, analysis };
}

if (import.meta.url === `file://${process.argv[1]}`) await runOpinionBench();
