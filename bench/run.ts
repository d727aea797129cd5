// `npm run bench`: measures the chat API against a bare Fastify echo route in the
// same run, so the ratio holds on a noisy machine where absolute numbers don't.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { prepareChannelBench } from "./channels.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { chatBodies as makeChatBodies } from "./questions.ts";

const root = path.resolve(import.meta.dirname, "..");
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (data: Buffer) => {
      output += data;
      const match = ready.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function withBenchDatabase<T>(fn: (url: string | undefined) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
  } catch {
    console.log(`(PostgreSQL at ${DATABASE_URL} unreachable: benchmarking on embedded PGlite)`);
    return fn(undefined);
  }
  const name = `hub_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

function row(r: LoadResult): string {
  return `${r.label.padEnd(26)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
}

function verdict(ok: boolean): string {
  return ok ? "met" : "NOT MET";
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-"));
  const echo = await startChild(["bench/echo-server.ts"], process.env, /listening (http:\/\/\S+)/);
  const channels = await prepareChannelBench();
  const chatBodies = makeChatBodies();
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
      const chat = await startChild(["src/server.ts"], env, /web chat\s+(http:\/\/\S+?)\/\s/);
      try {
        console.log(`Benchmark: 50 connections, ${DURATION} s each, after a 2 s warm-up.\n`);
        // Warm up both (JIT, connection pools), then measure one after the other.
        await runLoad({ label: "warm-up", url: `${echo.url}/echo`, bodies: chatBodies, durationSeconds: 2 });
        await runLoad({ label: "warm-up", url: `${chat.url}/api/chat/messages`, bodies: chatBodies, durationSeconds: 2 });
        const echoResult = await runLoad({ label: "baseline: Fastify echo", url: `${echo.url}/echo`, bodies: chatBodies, durationSeconds: DURATION });
        const chatResult = await runLoad({
          label: `chat API (${databaseUrl ? "PostgreSQL" : "PGlite"})`,
          url: `${chat.url}/api/chat/messages`,
          bodies: chatBodies,
          durationSeconds: DURATION,
        });
        const ratio = chatResult.requestsPerSecond / echoResult.requestsPerSecond;
        console.log(row(echoResult));
        console.log(row(chatResult));
        console.log(`\nchat / echo throughput: ${(ratio * 100).toFixed(1)}%   (target ≥ 25%: ${verdict(ratio >= 0.25)})`);
        console.log(`chat p99 latency:       ${chatResult.p99} ms   (target < 100 ms: ${verdict(chatResult.p99 < 100)})`);
        console.log("");
        await channels.run(chat.url, DURATION, row);
      } finally {
        await stopChild(chat.child);
      }
    });
  } finally {
    await channels.stop();
    await stopChild(echo.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
