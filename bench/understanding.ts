// `npm run bench:understanding` (also the first part of `npm run bench`): the language
// pipeline on its own — no HTTP, no database — on one core, printed beside raw jieba
// segmentation of the same messages measured in the same run; how long the catalog
// and its models take to load; and the resident memory of a server started the way
// `npm start` starts it (package.json's command: compiled JavaScript, its V8 flags).
//
// Throughput is judged per CPU-second of this process (process.cpuUsage), not per
// wall-clock second: on a shared machine the wall clock also counts time spent
// waiting for a CPU (on an idle core the two agree). Load time is judged on the
// lower of the two (CPU time also counts helper threads: GC, the native libraries).
// Both are printed.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { readEvalSets } from "../src/language/understanding-evaluation.ts";
import { loadMessageModel } from "../src/language/message-model.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { Understander } from "../src/language/understander.ts";
import {
  childProcessIds,
  REDIS_URL,
  root,
  SERVER_READY,
  startScript,
  stopChild,
  withBenchDatabase,
} from "./processes.ts";

export const ROUNDS = 6;
export const BURST_MS = Number(process.env.BENCH_BURST_MS ?? 500);

export interface Rate {
  perCpuSecond: number;
  perWallSecond: number;
}

export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function burst(messages: string[], handle: (text: string) => unknown): Rate {
  let n = 0;
  let i = 0;
  const wall = performance.now();
  const cpu = cpuMs();
  while (performance.now() - wall < BURST_MS) {
    for (let k = 0; k < 100; k++) handle(messages[i++ % messages.length]!);
    n += 100;
  }
  return { perCpuSecond: n / ((cpuMs() - cpu) / 1000), perWallSecond: n / ((performance.now() - wall) / 1000) };
}

/** Best of several alternating bursts: all measured under the same conditions. */
export function compare(messages: string[], handlers: ((t: string) => unknown)[]): Rate[] {
  const best = (x: Rate, y: Rate): Rate => ({
    perCpuSecond: Math.max(x.perCpuSecond, y.perCpuSecond),
    perWallSecond: Math.max(x.perWallSecond, y.perWallSecond),
  });
  const rates = handlers.map((): Rate => ({ perCpuSecond: 0, perWallSecond: 0 }));
  for (const handle of handlers) burst(messages, handle); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) {
    handlers.forEach((handle, i) => (rates[i] = best(rates[i]!, burst(messages, handle))));
  }
  return rates;
}

async function serverRss(): Promise<{ rssMb: number; peakMb: number; database: string } | undefined> {
  if (process.platform !== "linux") return undefined;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-rss-"));
  try {
    return await withBenchDatabase(async (databaseUrl) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: "0",
        LOG_LEVEL: "warn",
        DATA_DIR: dataDir,
        REDIS_URL,
        QUEUE_PREFIX: `benchrss${Date.now()}`,
        DATABASE_URL: databaseUrl ?? "",
      };
      // As `npm start` runs it: its bootstrap (which compiles, then starts node) and the
      // server that bootstrap starts, whose memory is the figure.
      const server = await startScript("start", env, SERVER_READY);
      const serverPid = childProcessIds(server.child.pid!)[0];
      if (serverPid === undefined) throw new Error("npm start's command started no server process");
      try {
        // Answer some questions first: the figure is for a server at work, not an idle one.
        const sets = await readEvalSets(path.join(root, "tests/fixtures/eval"));
        const questions = [...sets.service, ...sets.outOfCatalog].map((q) => q.text);
        for (const text of questions) {
          const res = await fetch(`${server.url}/api/chat/messages`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ text }),
          });
          await res.arrayBuffer();
        }
        const status = await fs.readFile(`/proc/${serverPid}/status`, "utf8");
        const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
        return {
          rssMb: kb("VmRSS") / 1024,
          peakMb: kb("VmHWM") / 1024,
          database: databaseUrl ? "PostgreSQL" : "PGlite",
        };
      } finally {
        await stopChild(server.child);
      }
    });
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

export interface UnderstandingFigures {
  loadMs: { wall: number; cpu: number };
  reloadMs: number;
  jieba: Rate;
  understanding: Rate;
  /** With the shipped trained message model in the classify slot, as the hub runs it. */
  withMessageModel: Rate;
  server?: { rssMb: number; peakMb: number; database: string };
}

export async function runUnderstandingBench(): Promise<UnderstandingFigures> {
  const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

  // Cold: the first catalog and models of this process (jieba's dictionary included).
  const wall = performance.now();
  const cpu = cpuMs();
  const catalog = await loadCatalog(path.join(root, "intents"));
  const understander = new Understander(catalog);
  const loadMs = { wall: performance.now() - wall, cpu: cpuMs() - cpu };
  const reloadStarted = performance.now();
  new Understander(await loadCatalog(path.join(root, "intents")));
  const reloadMs = performance.now() - reloadStarted;

  const sets = await readEvalSets(path.join(root, "tests/fixtures/eval"));
  const messages = [...sets.service, ...sets.outOfCatalog, ...sets.complaints, ...sets.nonComplaints].map(
    (q) => q.text,
  );
  const segmenter = new Segmenter([]);
  const withModel = new Understander(catalog, { messageModel: loadMessageModel() });
  const [jieba, understanding, withMessageModel] = compare(messages, [
    (text) => segmenter.cut(text),
    (text) => understander.understand(text),
    (text) => withModel.understand(text),
  ]) as [Rate, Rate, Rate];
  const share = understanding.perCpuSecond / jieba.perCpuSecond;
  const server = await serverRss();

  console.log(
    `Understanding benchmark: ${messages.length} messages from tests/fixtures/eval, best of ${ROUNDS} alternating ${BURST_MS} ms bursts, one core.\n`,
  );
  console.log(
    `catalog + models load (cold)     ${fmt(loadMs.wall).padStart(8)} ms wall, ${fmt(loadMs.cpu)} ms CPU   (target < 2 s: ${verdict(Math.min(loadMs.wall, loadMs.cpu) < 2000)})`,
  );
  console.log(`catalog + models reload (warm)   ${fmt(reloadMs).padStart(8)} ms wall`);
  console.log(
    `raw jieba segmentation (baseline) ${fmt(jieba.perCpuSecond).padStart(8)} msg/CPU-s   (${fmt(jieba.perWallSecond)} msg/s wall)`,
  );
  console.log(
    `understanding (all steps)         ${fmt(understanding.perCpuSecond).padStart(8)} msg/CPU-s   (${fmt(understanding.perWallSecond)} msg/s wall)`,
  );
  console.log(
    `  target ≥ 20,000 msg/s: ${verdict(understanding.perCpuSecond >= 20_000)}; ${(share * 100).toFixed(1)}% of raw segmentation (goal ≥ 30%: ${verdict(share >= 0.3)})`,
  );
  console.log(
    `understanding + trained message model ${fmt(withMessageModel.perCpuSecond).padStart(4)} msg/CPU-s   (${fmt(withMessageModel.perWallSecond)} msg/s wall; the classify slot as the hub fills it)`,
  );
  console.log(
    `  ${verdict(withMessageModel.perCpuSecond >= 20_000)} at 20,000 msg/s; ${((withMessageModel.perCpuSecond / jieba.perCpuSecond) * 100).toFixed(1)}% of raw segmentation`,
  );
  if (server) {
    console.log(
      `server RSS, full catalog loaded  ${server.rssMb.toFixed(0).padStart(8)} MB (peak ${server.peakMb.toFixed(0)} MB, ${server.database}; started as npm start starts it)   (target < 250 MB: ${verdict(server.peakMb < 250)})`,
    );
  } else console.log("server RSS: not measured (needs Linux /proc)");
  return { loadMs, reloadMs, jieba, understanding, withMessageModel, server };
}

if (import.meta.url === `file://${process.argv[1]}`) await runUnderstandingBench();
