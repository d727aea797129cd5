// `npx tsx bench/channels-only.ts`: the WeChat-vs-chat part of `npm run bench` alone
// (bench/channels.ts), for measuring a change to the channels without the rest.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { prepareChannelBench } from "./channels.ts";
import type { LoadResult } from "./load.ts";
import { runLoad } from "./load.ts";
import { REDIS_URL, SERVER_READY, startChild, stopChild, withBenchDatabase } from "./processes.ts";
import { chatBodies } from "./questions.ts";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

function row(r: LoadResult): string {
  return `${r.label.padEnd(26)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-"));
const channels = await prepareChannelBench();
try {
  await withBenchDatabase(async (databaseUrl) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: "0",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      REDIS_URL,
      QUEUE_PREFIX: `bench${Date.now()}`,
      DATABASE_URL: databaseUrl ?? "",
      ...channels.env,
    };
    const chat = await startChild(["src/server.ts"], env, SERVER_READY);
    try {
      console.log(`Channels benchmark: 50 connections, ${DURATION} s per run.\n`);
      await runLoad({ label: "warm-up", url: `${chat.url}/api/chat/messages`, bodies: chatBodies(), durationSeconds: 2 });
      await channels.run(chat.url, DURATION, row);
    } finally {
      await stopChild(chat.child);
    }
  });
} finally {
  await channels.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
