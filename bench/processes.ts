// Child processes and a throwaway database for the benchmarks (bench/run.ts,
// bench/understanding.ts): start a server, wait for its ready line, stop it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { npmScriptCommand } from "../scripts/npm-script.ts";

export const root = path.resolve(import.meta.dirname, "..");
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  return waitUntilReady(
    spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] }),
    args,
    ready,
  );
}

/** Runs an npm script's command (`start`: the server as `npm start` runs it) until it prints `ready`. */
export function startScript(
  name: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  const { program, args } = npmScriptCommand(name);
  return waitUntilReady(
    spawn(program, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] }),
    [program, ...args],
    ready,
  );
}

/** The child's latest output kept for the message if it exits (characters). */
const OUTPUT_KEPT = 64 * 1024;

function waitUntilReady(
  child: ChildProcess,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    // Read for as long as the child runs (a full pipe would stall it), but keep only a tail for
    // the exit message and stop matching once ready: a soak's worker logs every ticket, and
    // matching the whole output on every chunk took the driver's CPU and memory with it.
    let output = "";
    let started = false;
    const onData = (data: Buffer) => {
      output = (output + data).slice(-OUTPUT_KEPT);
      if (started) return;
      const match = ready.exec(output);
      if (match) {
        started = true;
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

/** Runs a TypeScript script to completion with its output shown; rejects on a non-zero exit. */
export function runScript(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: root, stdio: "inherit" });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}`))));
  });
}

/** Ids of a process's children (Linux /proc). */
export function childProcessIds(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
  return children.split(/\s+/).filter(Boolean).map(Number);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** Runs fn with the URL of a fresh PostgreSQL database (dropped afterwards), or undefined for PGlite. */
export async function withBenchDatabase<T>(fn: (url: string | undefined) => Promise<T>): Promise<T> {
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

/** The server's ready line: "web chat  http://…/". */
export const SERVER_READY = /web chat\s+(http:\/\/\S+?)\/\s/;

/** The environment of a hub under test: quiet, its own queue prefix, on the bench database (or PGlite). */
export function hubEnv(
  dataDir: string,
  databaseUrl: string | undefined,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    REDIS_URL,
    QUEUE_PREFIX: `bench${Date.now()}`,
    DATABASE_URL: databaseUrl ?? "",
    // A load test on a private network: the per-address and per-session limits would stop it.
    RATE_LIMIT: "off",
    ...extra,
  };
}
