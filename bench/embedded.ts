// `npx tsx bench/embedded.ts`: the embedded default (no DATABASE_URL, no REDIS_URL: what a new
// user gets from `npm start`) on the private PostgreSQL server and on PGlite, alternately, each
// beside the bare Fastify echo in the same run (docs/benchmarks.md, "The embedded default").
// Also the memory of a fresh start: the server's RSS, and the PostgreSQL processes' PSS (their
// shared buffers counted once). BENCH_ROUNDS (2) rounds of BENCH_SECONDS (8) per measurement.
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { formatRow, type LoadResult, runLoad } from "./load.ts";
import {
  childProcessIds,
  hubEnv,
  SERVER_READY,
  startChild,
  startScript,
  stopChild,
  withBenchDatabase,
} from "./processes.ts";
import { chatBodies, openChatSessions } from "./questions.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** The two embedded defaults, and for reference a regular PostgreSQL service (BENCH_DATABASE_URL). */
const BACKENDS = ["pglite", "postgres", "DATABASE_URL"] as const;

/** A /proc/<pid>/status or smaps_rollup figure, in MB. */
function procMb(pid: number, file: "status" | "smaps_rollup", field: string): number {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/${file}`, "utf8"))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0; // gone meanwhile
  }
}

function descendants(pid: number): number[] {
  const children = childProcessIds(pid);
  return [...children, ...children.flatMap(descendants)];
}

function commandOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** The server (node) RSS, and the PostgreSQL processes' summed PSS, under bootstrap's pid. */
function memory(bootstrapPid: number): { serverMb: number; postgresMb: number } {
  const all = descendants(bootstrapPid);
  const server = all.find((pid) => commandOf(pid).some((arg) => arg.endsWith("src/server.js")));
  const postgres = all.filter((pid) => {
    const program = commandOf(pid)[0] ?? "";
    return program.endsWith("/postgres") || program.startsWith("postgres:");
  });
  return {
    serverMb: server ? procMb(server, "status", "VmRSS") : 0,
    postgresMb: postgres.reduce((sum, pid) => sum + procMb(pid, "smaps_rollup", "Pss"), 0),
  };
}

/** CPU seconds (user + system) used so far by the server and by the PostgreSQL processes under bootstrap's pid. */
function cpuSeconds(bootstrapPid: number): { server: number; postgres: number } {
  const ticks = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (USER_HZ = 100)
    } catch {
      return 0;
    }
  };
  let server = 0;
  let postgres = 0;
  for (const pid of descendants(bootstrapPid)) {
    const command = commandOf(pid);
    const program = command[0] ?? "";
    if (command.some((arg) => arg.endsWith("src/server.js"))) server += ticks(pid);
    else if (program.endsWith("/postgres") || program.startsWith("postgres:")) postgres += ticks(pid);
  }
  return { server, postgres };
}

interface Row {
  backend: string;
  round: number;
  echo: LoadResult;
  chat: LoadResult;
  fresh: { serverMb: number; postgresMb: number };
  loaded: { serverMb: number; postgresMb: number };
  /** CPU ms per chat request during the measured run: server, and private PostgreSQL (backends that exited are not counted). */
  cpuMsPerRequest: { server: number; postgres: number };
}

async function measure(backend: (typeof BACKENDS)[number], round: number, echoUrl: string): Promise<Row> {
  if (backend !== "DATABASE_URL") return measureOn(backend, undefined, round, echoUrl);
  return withBenchDatabase((url) => measureOn(backend, url, round, echoUrl));
}

async function measureOn(backend: string, databaseUrl: string | undefined, round: number, echoUrl: string) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hub-bench-embedded-"));
  await fs.chmod(dataDir, 0o755); // as root, PostgreSQL runs as postgres and must enter it
  const env = hubEnv(dataDir, databaseUrl, databaseUrl ? {} : { EMBEDDED_DATABASE: backend });
  delete env.REDIS_URL; // the private Redis, as a new user has it
  if (!databaseUrl) delete env.DATABASE_URL;
  const hub = await startScript("start", env, SERVER_READY);
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // let start-up work settle
    const fresh = memory(hub.child.pid!);
    const bodies = chatBodies();
    const sessions = await openChatSessions(hub.url);
    const chatUrl = `${hub.url}/api/chat/messages`;
    await runLoad({ label: "warm-up", url: `${echoUrl}/echo`, bodies, durationSeconds: 2 });
    await runLoad({ label: "warm-up", url: chatUrl, bodies, sessions, durationSeconds: 2 });
    const echo = await runLoad({ label: "echo", url: `${echoUrl}/echo`, bodies, durationSeconds: SECONDS });
    const cpuBefore = cpuSeconds(hub.child.pid!);
    const chat = await runLoad({
      label: `chat (${backend})`,
      url: chatUrl,
      bodies,
      sessions,
      durationSeconds: SECONDS,
    });
    const cpuAfter = cpuSeconds(hub.child.pid!);
    const loaded = memory(hub.child.pid!);
    const perRequest = (seconds: number) => (1000 * seconds) / Math.max(1, chat.requests);
    const cpuMsPerRequest = {
      server: perRequest(cpuAfter.server - cpuBefore.server),
      postgres: perRequest(cpuAfter.postgres - cpuBefore.postgres),
    };
    return { backend, round, echo, chat, fresh, loaded, cpuMsPerRequest };
  } finally {
    await stopChild(hub.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const echo = await startChild(["bench/echo-server.ts"], process.env, /listening (http:\/\/\S+)/);
const rows: Row[] = [];
try {
  console.log(
    `Embedded default, 50 connections, ${SECONDS} s, ${ROUNDS} round(s); load: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
  );
  for (let round = 1; round <= ROUNDS; round++) {
    for (const backend of round % 2 ? BACKENDS : [...BACKENDS].reverse()) {
      if (backend === "DATABASE_URL" && process.env.BENCH_REFERENCE === "0") continue;
      const row = await measure(backend, round, echo.url);
      rows.push(row);
      console.log(formatRow(row.echo));
      console.log(formatRow(row.chat));
      console.log(`  load now ${os.loadavg()[0]!.toFixed(1)}\n`);
    }
  }
} finally {
  await stopChild(echo.child);
}
console.log(
  "| backend | round | echo req/s | chat req/s | chat / echo | chat p50 | chat p99 | CPU ms / request (server + private PostgreSQL) | server RSS fresh / loaded | PostgreSQL PSS fresh / loaded |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const mb = (m: { serverMb: number; postgresMb: number }, key: "serverMb" | "postgresMb") => m[key].toFixed(0);
  console.log(
    `| ${r.backend} | ${r.round} | ${r.echo.requestsPerSecond.toFixed(0)} | ${r.chat.requestsPerSecond.toFixed(0)} | ` +
      `${((100 * r.chat.requestsPerSecond) / r.echo.requestsPerSecond).toFixed(1)}% | ${r.chat.p50} ms | ${r.chat.p99} ms | ` +
      `${r.cpuMsPerRequest.server.toFixed(1)} + ${r.cpuMsPerRequest.postgres.toFixed(1)} | ` +
      `${mb(r.fresh, "serverMb")} / ${mb(r.loaded, "serverMb")} MB | ${mb(r.fresh, "postgresMb")} / ${mb(r.loaded, "postgresMb")} MB |`,
  );
}
