// `npx tsx bench/channels-only.ts`: the WeChat-vs-chat part of `npm run bench`
// (bench/channels.ts) alone, to measure a change to the channels without the rest.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { prepareChannelBench } from "./channels.ts";
import { formatRow, runLoad } from "./load.ts";
import { hubEnv, SERVER_READY, startChild, stopChild, withBenchDatabase } from "./processes.ts";
import { chatBodies } from "./questions.ts";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-"));
const channels = await prepareChannelBench();
try {
  await withBenchDatabase(async (databaseUrl) => {
    const chat = await startChild(["src/server.ts"], hubEnv(dataDir, databaseUrl, channels.env), SERVER_READY);
    try {
      console.log(`Channels benchmark: 50 connections, ${DURATION} s per run.\n`);
      await runLoad({
        label: "warm-up",
        url: `${chat.url}/api/chat/messages`,
        bodies: chatBodies(),
        durationSeconds: 2,
      });
      await channels.run(chat.url, DURATION, formatRow);
    } finally {
      await stopChild(chat.child);
    }
  });
} finally {
  await channels.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
