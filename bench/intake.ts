// Complaint intake, end to end: complaints posted to the chat API are recorded with
// their ticket, routed through the outbox and BullMQ, and assigned (or merged) by the
// routing worker. The hub runs in its production layout: a web process
// (WORKERS_IN_PROCESS=false) and a worker process (npm run worker), on PostgreSQL.
// Measured from the database: each ticket's time from the API receiving the complaint
// (createdAt) to its assignment, and how many tickets per second make it all the way.
// Two runs: as fast as 50 connections go (throughput), then paced at the target rate
// (time to assignment at that load).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import pg from "pg";
import { REDIS_URL, startChild, stopChild, withBenchDatabase } from "./processes.ts";

export interface IntakeRun {
  label: string;
  /** Complaints the API accepted per second during the load. */
  acceptedPerSecond: number;
  /** Tickets assigned per second, first complaint received to last ticket assigned. */
  endToEndPerSecond: number;
  tickets: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  apiP99Ms: number;
  errors: number;
  /** CPU ms per ticket in each process (Linux /proc; absent elsewhere): the steady figure on a shared machine. */
  cpuPerTicket?: CpuPerTicket;
}

export interface CpuPerTicket {
  web: number;
  worker: number;
  /** The bench database's PostgreSQL backends (approximate: a backend that exits mid-run is missed). */
  postgres: number;
  /** The whole Redis server, which other work on the machine may share. */
  redis: number;
  /** This process: autocannon driving the load (not part of the hub, but on the same cores). */
  loadGenerator: number;
}

const DISTRICTS = ["东湖区", "西山区", "南湖区", "北城区"];
const PROBLEMS = [
  "路灯坏了好几天没人修",
  "垃圾堆了三天没人清运",
  "井盖丢了很危险",
  "晚上广场舞噪音扰民",
  "有人占道经营摆摊",
  "小区暖气不热",
];
// Forty distinct characters, none a word that place extraction strips (和, 与 …).
const NAME = "安宁康乐福寿长春嘉平光明团结胜利建设幸运文化新华民主复兴朝阳友谊红旗前进东风振中";

/** The i-th road name: distinct for every complaint, so none is a duplicate (并案) of another. */
function roadName(i: number): string {
  let name = "";
  for (let n = i, k = 0; k < 4; k++, n = Math.floor(n / NAME.length)) name += NAME[n % NAME.length];
  return `${name}路`;
}

/** `count` complaints to the chat API, each about a matter of its own (no 并案 between them). */
export function complaintBodies(count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    // No session header: each complaint is a new citizen's, in a session the hub issues.
    JSON.stringify({
      text: `投诉：${DISTRICTS[i % DISTRICTS.length]}${roadName(offset + i)}${PROBLEMS[i % PROBLEMS.length]}`,
    }),
  );
}

async function load(url: string, bodies: string[], seconds: number, overallRate?: number) {
  let next = 0;
  return autocannon({
    url: `${url}/api/chat/messages`,
    method: "POST",
    connections: 50,
    duration: seconds,
    ...(overallRate && { overallRate }),
    headers: { "content-type": "application/json" },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
}

// CPU time of processes, read from /proc (clock ticks of 10 ms on Linux).
const TICK_MS = 10;

/** CPU ms a process has used so far, or undefined when it is gone or /proc is missing. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

interface CpuSample {
  bench: number;
  web: number;
  worker: number;
  /** Per PostgreSQL backend pid. */
  postgres: Map<number, number>;
  redis: number;
}

interface Probe {
  webPid: number;
  workerPid: number;
  db: pg.Client;
  redis: Redis;
}

async function sampleCpu(probe: Probe): Promise<CpuSample | undefined> {
  const web = processCpuMs(probe.webPid);
  const worker = processCpuMs(probe.workerPid);
  if (web === undefined || worker === undefined) return undefined;
  const { rows } = await probe.db.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  const postgres = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) postgres.set(pid, ms);
  }
  const info = await probe.redis.info("cpu");
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  const own = process.cpuUsage();
  return {
    bench: (own.user + own.system) / 1000,
    web,
    worker,
    postgres,
    redis: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000,
  };
}

function cpuPerTicket(
  before: CpuSample | undefined,
  after: CpuSample | undefined,
  tickets: number,
): CpuPerTicket | undefined {
  if (!before || !after || tickets === 0) return undefined;
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  const per = (ms: number) => Math.round((ms / tickets) * 100) / 100;
  return {
    web: per(after.web - before.web),
    worker: per(after.worker - before.worker),
    postgres: per(postgres),
    redis: per(after.redis - before.redis),
    loadGenerator: per(after.bench - before.bench),
  };
}

/** Waits until no ticket waits for routing, then measures the tickets filed since `since`. */
async function measure(
  db: pg.Client,
  since: Date,
  label: string,
  loadSeconds: number,
  apiP99Ms: number,
  errors: number,
): Promise<IntakeRun> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "Ticket" WHERE "status" = 'submitted' AND "createdAt" >= $1`,
      [since],
    );
    if (Number(rows[0]!.n) === 0) break;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.n} tickets still unrouted after 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // A merged ticket was routed when it was merged (closedAt).
  const { rows } = await db.query<{ tickets: string; first: Date; last: Date; p50: number; p99: number; max: number }>(
    `WITH routed AS (
       SELECT "createdAt", COALESCE("assignedAt", "closedAt") AS "routedAt" FROM "Ticket" WHERE "createdAt" >= $1
     )
     SELECT count(*) AS tickets, min("createdAt") AS first, max("routedAt") AS last,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("routedAt" - "createdAt"))) * 1000 AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("routedAt" - "createdAt"))) * 1000 AS p99,
       max(EXTRACT(EPOCH FROM ("routedAt" - "createdAt"))) * 1000 AS max
     FROM routed`,
    [since],
  );
  const r = rows[0]!;
  const tickets = Number(r.tickets);
  const spanSeconds = (new Date(r.last).getTime() - new Date(r.first).getTime()) / 1000;
  return {
    label,
    acceptedPerSecond: tickets / loadSeconds,
    endToEndPerSecond: tickets / Math.max(spanSeconds, 0.001),
    tickets,
    p50Ms: Math.round(Number(r.p50)),
    p99Ms: Math.round(Number(r.p99)),
    maxMs: Math.round(Number(r.max)),
    apiP99Ms: apiP99Ms,
    errors,
  };
}

export interface IntakeOptions {
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  seconds: number;
  targetRate: number;
}

export async function benchIntake(options: IntakeOptions): Promise<IntakeRun[]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    DATA_DIR: options.dataDir,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: `intake${Date.now()}`,
    // A load test from one address on a private network: the rate limits would refuse it.
    RATE_LIMIT: "off",
  };
  // BENCH_PROFILE_DIR=<dir>: V8 CPU profiles of both processes, written when they stop.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const web = await startChild(
    [...profile, "src/server.ts"],
    { ...env, LOG_LEVEL: "warn", WORKERS_IN_PROCESS: "false" },
    /web chat\s+(http:\/\/\S+?)\/\s/,
  );
  const worker = await startChild(
    [...profile, "src/worker.ts"],
    { ...env, LOG_LEVEL: "info" },
    /workers running()/,
  ).catch(async (error: unknown) => {
    await stopChild(web.child);
    throw error;
  });
  const db = new pg.Client({ connectionString: options.databaseUrl });
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await db.connect();
    return await runs(
      { ...options, url: web.url },
      { webPid: web.child.pid!, workerPid: worker.child.pid!, db, redis },
    );
  } finally {
    redis.disconnect();
    await db.end();
    await stopChild(worker.child);
    await stopChild(web.child);
  }
}

async function runs(options: IntakeOptions & { url: string }, probe: Probe): Promise<IntakeRun[]> {
  const { db } = probe;
  const bodies = complaintBodies(200_000, 0);
  // Warm-up: JIT, pools, the routing worker.
  await load(options.url, bodies.slice(150_000), 2);
  await measure(db, new Date(0), "warm-up", 2, 0, 0);

  const measured = async (label: string, slice: string[], rate?: number): Promise<IntakeRun> => {
    const since = new Date();
    const before = await sampleCpu(probe);
    const result = await load(options.url, slice, options.seconds, rate);
    const run = await measure(db, since, label, options.seconds, result.latency.p99, result.errors + result.non2xx);
    const perTicket = cpuPerTicket(before, await sampleCpu(probe), run.tickets);
    return { ...run, ...(perTicket && { cpuPerTicket: perTicket }) };
  };
  const unpaced = await measured("50 connections, unpaced", bodies.slice(0, 100_000));
  const paced = await measured(`paced at ${options.targetRate}/s`, bodies.slice(100_000, 150_000), options.targetRate);
  return [unpaced, paced];
}

export function intakeRow(r: IntakeRun): string {
  return (
    `${r.label.padEnd(26)} ${r.endToEndPerSecond.toFixed(0).padStart(6)} tickets/s end to end   ` +
    `(${r.acceptedPerSecond.toFixed(0)}/s accepted, ${r.tickets} tickets)   ` +
    `to assignment p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  max ${r.maxMs} ms   API p99 ${r.apiP99Ms} ms   errors ${r.errors}`
  );
}

export function intakeCpuRow(r: IntakeRun): string {
  const c = r.cpuPerTicket;
  if (!c) return `${r.label.padEnd(26)} CPU per ticket: not measured (needs Linux /proc)`;
  const total = c.web + c.worker + c.postgres + c.redis;
  return (
    `${r.label.padEnd(26)} CPU ms per ticket: web ${c.web.toFixed(2)}  worker ${c.worker.toFixed(2)}  ` +
    `PostgreSQL ${c.postgres.toFixed(2)}  Redis ${c.redis.toFixed(2)} (shared server)  = ${total.toFixed(2)} ` +
    `(≈ ${Math.round(1000 / total)} tickets/s per core; load generator ${c.loadGenerator.toFixed(2)} more)`
  );
}

// `npx tsx bench/intake.ts`: only this benchmark (BENCH_SECONDS, default 10).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await withBenchDatabase(async (databaseUrl) => {
    if (!databaseUrl) throw new Error("the intake benchmark needs PostgreSQL (BENCH_DATABASE_URL)");
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-intake-"));
    try {
      const runs = await benchIntake({
        databaseUrl,
        redisUrl: REDIS_URL,
        dataDir,
        seconds: Number(process.env.BENCH_SECONDS ?? 10),
        targetRate: 300,
      });
      for (const run of runs) console.log(intakeRow(run));
      for (const run of runs) console.log(intakeCpuRow(run));
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
