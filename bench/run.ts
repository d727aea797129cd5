// `npm run bench`: measures the chat API against a bare Fastify echo route in the
// same run, so the ratio holds on a noisy machine where absolute numbers don't.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runInboxBench } from "./inbox.ts";
import { benchIntake, intakeCpuRow, intakeRow } from "./intake.ts";
import { formatRow, runLoad, type LoadResult } from "./load.ts";
import { hubEnv, REDIS_URL, runScript, SERVER_READY, startChild, stopChild, withBenchDatabase } from "./processes.ts";
import { runOpinionBench } from "./opinion-analysis.ts";
import { runOpinionImportBench } from "./opinion-import.ts";
import { runOpinionQueriesBench } from "./opinion-queries.ts";
import { runTopicPurityBench } from "./topic-purity.ts";
import { runUnderstandingBench } from "./understanding.ts";
import { runCatalogScaleBench } from "./catalog-scale.ts";
import { prepareChannelBench } from "./channels.ts";
import { runScaleOutBench } from "./scale-out.ts";
import { chatBodies as makeChatBodies, openChatSessions } from "./questions.ts";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

const row = formatRow;

function verdict(ok: boolean): string {
  return ok ? "met" : "NOT MET";
}

async function main() {
  // The classifier benchmark (MSGABench) runs first, in its own process.
  await runScript("bench/msgabench.ts");
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-"));
  const echo = await startChild(["bench/echo-server.ts"], process.env, /listening (http:\/\/\S+)/);
  const channels = await prepareChannelBench();
  const chatBodies = makeChatBodies();
  let echoResult: LoadResult | undefined;
  try {
    await withBenchDatabase(async (databaseUrl) => {
      const chat = await startChild(["src/server.ts"], hubEnv(dataDir, databaseUrl, channels.env), SERVER_READY);
      try {
        console.log(`Benchmark: 50 connections, ${DURATION} s each, after a 2 s warm-up.\n`);
        const sessions = await openChatSessions(chat.url);
        // Warm up both (JIT, connection pools), then measure one after the other.
        await runLoad({ label: "warm-up", url: `${echo.url}/echo`, bodies: chatBodies, durationSeconds: 2 });
        await runLoad({
          label: "warm-up",
          url: `${chat.url}/api/chat/messages`,
          bodies: chatBodies,
          sessions,
          durationSeconds: 2,
        });
        echoResult = await runLoad({
          label: "baseline: Fastify echo",
          url: `${echo.url}/echo`,
          bodies: chatBodies,
          durationSeconds: DURATION,
        });
        const chatResult = await runLoad({
          label: `chat API (${databaseUrl ? "PostgreSQL" : "PGlite"})`,
          url: `${chat.url}/api/chat/messages`,
          bodies: chatBodies,
          sessions,
          durationSeconds: DURATION,
        });
        const ratio = chatResult.requestsPerSecond / echoResult.requestsPerSecond;
        console.log(row(echoResult));
        console.log(row(chatResult));
        console.log(
          `\nchat / echo throughput: ${(ratio * 100).toFixed(1)}%   (target ≥ 25%: ${verdict(ratio >= 0.25)})`,
        );
        console.log(
          `chat p99 latency:       ${chatResult.p99} ms   (target < 100 ms: ${verdict(chatResult.p99 < 100)})`,
        );
        console.log("");
        await channels.run(chat.url, DURATION, row);
      } finally {
        await stopChild(chat.child);
      }
    });
    // One web process against two (issue 16), on a database of its own.
    if (process.env.BENCH_SCALE_OUT !== "0") {
      console.log("");
      await runScaleOutBench(echo.url);
    }
    // Complaint intake end to end (issue 5), on a database and queues of its own.
    if (process.env.BENCH_INTAKE !== "0")
      await withBenchDatabase((databaseUrl) => intakeBench(databaseUrl, dataDir, echoResult!));
  } finally {
    await channels.stop();
    await stopChild(echo.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function intakeBench(databaseUrl: string | undefined, dataDir: string, echoResult: LoadResult): Promise<void> {
  if (!databaseUrl) {
    console.log("\n(complaint intake is measured on PostgreSQL only)");
    return;
  }
  console.log(
    `\nComplaint intake (chat API → ticket → outbox → BullMQ → routing worker → assigned), web and worker processes, ${DURATION} s per run:\n`,
  );
  const intake = await benchIntake({ databaseUrl, redisUrl: REDIS_URL, dataDir, seconds: DURATION, targetRate: 300 });
  console.log(row(echoResult));
  for (const run of intake) console.log(intakeRow(run));
  for (const run of intake) console.log(intakeCpuRow(run));
  const best = Math.max(...intake.map((r) => r.endToEndPerSecond));
  const paced = intake[intake.length - 1]!;
  console.log(`\nintake end to end:       ${best.toFixed(0)} tickets/s   (target ≥ 300: ${verdict(best >= 300)})`);
  console.log(
    `p99 time to assignment:  ${paced.p99Ms} ms at 300/s   (target < 2000 ms: ${verdict(paced.p99Ms < 2000)})`,
  );
}

// Understanding alone first (one core, no I/O), the opinion analysis alone, then the chat API under load.
await runUnderstandingBench();
console.log("");
// The catalog at a city's size (issue 15): the sample items beside 1,200 more, same run.
if (process.env.BENCH_CATALOG_SCALE !== "0") {
  await runCatalogScaleBench();
  console.log("");
}
await runOpinionBench();
console.log("");
// Import with analysis into PostgreSQL, the embedded default and PGlite, beside the analysis alone.
await runOpinionImportBench();
console.log("");
await runTopicPurityBench();
console.log("");
await main();
// The workbench inbox at 100,000 tickets (issue 12), on a database of its own.
if (process.env.BENCH_INBOX !== "0") {
  console.log("");
  await runInboxBench();
}
// The opinion hub's reads at 1,000,000 messages (issue 14), on a database of its own.
if (process.env.BENCH_OPINION_QUERIES !== "0") {
  console.log("");
  await runOpinionQueriesBench();
}
