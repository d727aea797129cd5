// What a reload of a city's catalog (issue 15: 1,241 items, bench/catalog-scale.ts's
// generated list) does to the answers of the thread that serves them: the matcher's
// training on that thread (as it was: Understander.forCatalog in the knowledge store's
// build) and in a worker thread (as it is: forCatalogTrainedBy with
// workerMatcherTrainer), alternately, in the same process. Before each reload an item
// file gains an alias, as an admin's edit would (and the per-process model cache
// misses). During each reload a question is answered every 10 ms; the figures are how
// late the answers were (from the time the timer was due to the answer), the event
// loop's delay (perf_hooks.monitorEventLoopDelay), the reload's wall time and the peak RSS.
//
//   npx tsx bench/reload-latency.ts   (BENCH_RELOAD_ROUNDS: pairs of reloads, default 2)
import fs from "node:fs/promises";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Knowledge } from "../src/knowledge/knowledge.ts";
import { KnowledgeStore } from "../src/knowledge/knowledge-store.ts";
import { createLogger } from "../src/logger.ts";
import { workerMatcherTrainer } from "../src/language/matcher-thread.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Understander } from "../src/language/understander.ts";
import { cityIntentsDir } from "./catalog-scale.ts";

const ROUNDS = Number(process.env.BENCH_RELOAD_ROUNDS ?? 2);
const INTERVAL_MS = 10;
const QUESTION = "驾照快到期了怎么换";

type Mode = "in-process" | "worker";

interface Figures {
  answers: number;
  lateP99Ms: number;
  lateMaxMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  reloadMs: number;
  peakRssMb: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

const dir = await cityIntentsDir();
const messageModel = loadMessageModel();
const trainMatcher = workerMatcherTrainer((error) => {
  throw new Error(`the worker thread did not start: ${error.message}`);
});
let mode: Mode = "worker";
const build = async ({ catalog }: Knowledge) => ({
  understander:
    mode === "in-process"
      ? Understander.forCatalog(catalog, { messageModel })
      : await Understander.forCatalogTrainedBy(catalog, { messageModel }, trainMatcher),
});
const store = await KnowledgeStore.open(dir, { timeZone: "Asia/Shanghai", build, log: createLogger("silent") });
const items = store.current.catalog.items.length;

/** Answers QUESTION every INTERVAL_MS until `until` settles; how late each answer was. */
async function answerDuring(until: Promise<unknown>): Promise<{ late: number[]; peakRss: number }> {
  const late: number[] = [];
  let peakRss = process.memoryUsage.rss();
  let settled = false;
  void until.finally(() => (settled = true));
  while (!settled) {
    const due = performance.now() + INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    store.built.understander.understand(QUESTION);
    late.push(performance.now() - due);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  return { late, peakRss };
}

let edits = 0;
async function reload(as: Mode): Promise<Figures> {
  mode = as;
  const file = path.join(dir, "items/CJ001.yaml");
  await fs.writeFile(file, (await fs.readFile(file, "utf8")).replace("aliases: [", `aliases: [驾照换新${++edits}号, `));
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const reloaded = store.reload();
  const [{ late, peakRss }, result] = await Promise.all([answerDuring(reloaded), reloaded]);
  const reloadMs = performance.now() - started;
  delay.disable();
  if (!result.ok) throw new Error(`reload rejected: ${result.problems.join("; ")}`);
  late.sort((a, b) => a - b);
  return {
    answers: late.length,
    lateP99Ms: percentile(late, 0.99),
    lateMaxMs: late.at(-1)!,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    loopDelayMaxMs: delay.max / 1e6,
    reloadMs,
    peakRssMb: peakRss / 1024 / 1024,
  };
}

// The idle baseline: the same answering loop with no reload.
const idle = await answerDuring(new Promise((resolve) => setTimeout(resolve, 2_000)));
idle.late.sort((a, b) => a - b);
const runs: { mode: Mode; figures: Figures }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const as of ["in-process", "worker"] as const) runs.push({ mode: as, figures: await reload(as) });
}
store.close();
await fs.rm(dir, { recursive: true, force: true });

const f = (n: number) => n.toFixed(0).padStart(7);
console.log(`Reload of a ${items}-item catalog; a question answered every ${INTERVAL_MS} ms meanwhile (ms)`);
console.log(
  `idle, no reload: answers late p99 ${idle.late.length ? percentile(idle.late, 0.99).toFixed(1) : "-"}, max ${idle.late.at(-1)?.toFixed(1)}`,
);
console.log("mode         answers  late p99  late max  loop p99  loop max  reload  peak RSS MB");
for (const { mode: m, figures: x } of runs) {
  console.log(
    `${m.padEnd(12)} ${f(x.answers)}   ${f(x.lateP99Ms)}   ${f(x.lateMaxMs)}   ${f(x.loopDelayP99Ms)}   ${f(x.loopDelayMaxMs)} ${f(x.reloadMs)}  ${f(x.peakRssMb)}`,
  );
}
