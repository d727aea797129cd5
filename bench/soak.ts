// `npm run bench:soak [-- --minutes 30]`: the hub in its production layout (a web and a
// worker process on PostgreSQL and Redis, with the heap limits they run with) under mixed load for a long while: citizens'
// questions, complaints that become tickets, and staff listing and accepting tickets.
// First the mixed load's maximum throughput is measured (closed loop, 50 at a time), then
// the soak runs open loop at half of it. Every 15 s it samples each process's RSS and
// event-loop delay (from /metrics), and the load's latency and errors; at the end it reports
// per-minute figures and whether RSS or event-loop delay trend upward (issue 16).
// `--statements`: on a private PostgreSQL of its own that keeps pg_stat_statements, and at the
// end the statements that took the most time late in the run, against the same early on
// (bench/statement-stats.ts): what grows with the data.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { freePort } from "../src/infra/free-port.ts";
import { complaintBodies } from "./intake.ts";
import { hubEnv, root, SERVER_READY, startChild, stopChild, withBenchDatabase } from "./processes.ts";
import { startPrivatePostgres } from "../src/infra/private-postgres.ts";
import {
  enableStatementStats,
  formatStatementGrowth,
  STATEMENT_STATS_SETTINGS,
  type StatementSnapshot,
  statementGrowth,
  statementSnapshot,
} from "./statement-stats.ts";
import { chatBodies, openChatSessions } from "./questions.ts";
import { type Sample, summarize, type Trend, trendOf } from "./soak-trend.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    "max-seconds": { type: "string", default: "20" },
    out: { type: "string" },
    statements: { type: "boolean", default: false },
  },
});
const MINUTES = Number(values.minutes);
const MAX_SECONDS = Number(values["max-seconds"]);
const SAMPLE_MS = 15_000;
const IN_FLIGHT_CAP = 400;
const ADMIN = { username: "soak.admin", password: `Soak-${randomBytes(6).toString("hex")}-Aa1!` };
const METRICS_TOKEN = randomBytes(16).toString("hex");
/**
 * The heap limits `npm start` and `npm run worker` run with (package.json): a heap that may grow
 * without limit shows the collector's slack as growth, and hides a leak that would reach the limit.
 */
const HEAP_FLAGS: string[] =
  (
    JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
  ).scripts.worker!.match(/--max-[a-z-]+-size=\d+/g) ?? [];

interface Staff {
  token: string;
}

interface Outcome {
  ms: number;
  ok: boolean;
}

/** One request of the mix: 14 questions, 4 complaints, 1 inbox read and 1 accept (of the newest assigned ticket) in every 20. */
type Request = () => Promise<boolean>;
type Kind = "question" | "complaint" | "inbox" | "accept";

function kindOf(i: number): Kind {
  const slot = i % 20;
  return slot < 14 ? "question" : slot < 18 ? "complaint" : slot === 18 ? "inbox" : "accept";
}

/** Whether the answer was a 2xx, its body read to the end: an unread body holds its connection. */
async function ok(response: Promise<Response>): Promise<boolean> {
  const answer = await response;
  await answer.arrayBuffer();
  return answer.ok;
}

function mix(url: string, sessions: string[], staff: Staff[]): (i: number) => Request {
  const questions = chatBodies();
  const complaints = complaintBodies(500_000, 1_000_000);
  let complaint = 0;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return (i) => {
    const kind = kindOf(i);
    if (kind === "question")
      return () =>
        ok(
          post("/api/chat/messages", questions[i % questions.length]!, {
            "x-chat-session": sessions[i % sessions.length]!,
          }),
        );
    if (kind === "complaint") return () => ok(post("/api/chat/messages", complaints[complaint++ % complaints.length]!));
    const { token } = staff[i % staff.length]!;
    const auth = { authorization: `Bearer ${token}` };
    const listAssigned = () => fetch(`${url}/api/staff/tickets?status=assigned&limit=1`, { headers: auth });
    if (kind === "inbox") return () => ok(listAssigned());
    return async () => {
      const list = await listAssigned();
      if (!list.ok) return ok(Promise.resolve(list));
      const { tickets } = (await list.json()) as { tickets: { number: string }[] };
      // The list is newest first (it cannot be sorted otherwise): the newest assigned ticket.
      if (!tickets[0]) return true;
      const accepted = await post(
        `/api/staff/tickets/${tickets[0].number}/actions`,
        JSON.stringify({ action: "accept" }),
        auth,
      );
      // Another staff member (or an earlier request) accepted it first: 409 is a fair answer.
      return (await ok(Promise.resolve(accepted))) || accepted.status === 409;
    };
  };
}

async function timed(request: Request): Promise<Outcome> {
  const start = performance.now();
  let succeeded = false;
  try {
    succeeded = await request();
  } catch {
    succeeded = false;
  }
  return { ms: performance.now() - start, ok: succeeded };
}

/** Closed loop: `concurrency` callers, each sending its next request when the last answers. */
async function maxThroughput(
  next: (i: number) => Request,
  seconds: number,
  concurrency = 50,
): Promise<{ perSecond: number; medianMs: Record<Kind, number> }> {
  let i = 0;
  const byKind: Record<Kind, number[]> = { question: [], complaint: [], inbox: [], accept: [] };
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const n = i++;
        byKind[kindOf(n)].push((await timed(next(n))).ms);
      }
    }),
  );
  const median = (ms: number[]) =>
    percentile(
      [...ms].sort((a, b) => a - b),
      0.5,
    );
  return {
    perSecond: Object.values(byKind).reduce((n, ms) => n + ms.length, 0) / seconds,
    medianMs: {
      question: median(byKind.question),
      complaint: median(byKind.complaint),
      inbox: median(byKind.inbox),
      accept: median(byKind.accept),
    },
  };
}

function staffAccounts(): string[] {
  const file = parseYaml(fs.readFileSync(path.join(root, "intents/departments.yaml"), "utf8")) as {
    departments: { code: string }[];
  };
  return file.departments.map((d) => d.code);
}

async function login(url: string, username: string, password: string): Promise<Staff> {
  const response = await fetch(`${url}/api/staff/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login ${username}: HTTP ${response.status} ${await response.text()}`);
  return { token: ((await response.json()) as { token: string }).token };
}

/** One staff member per department, created by the bootstrap admin. */
async function openStaff(url: string): Promise<Staff[]> {
  const admin = await login(url, ADMIN.username, ADMIN.password);
  const staff: Staff[] = [];
  for (const code of staffAccounts()) {
    const username = `soak.${code.toLowerCase()}`;
    const created = await fetch(`${url}/api/staff/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({
        username,
        password: ADMIN.password,
        displayName: `压测${code}`,
        role: "staff",
        departmentCode: code,
      }),
    });
    if (!created.ok) throw new Error(`create ${username}: HTTP ${created.status} ${await created.text()}`);
    staff.push(await login(url, username, ADMIN.password));
  }
  return staff;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/**
 * A process's event-loop p99 delay (ms) since the last scrape (prom-client resets its histogram
 * on each) and its V8 heap in use (MB).
 */
async function scrape(url: string, token?: string): Promise<{ loopP99Ms: number; heapMb: number }> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await response.text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return {
    loopP99Ms: metric("nodejs_eventloop_lag_p99_seconds") * 1000,
    heapMb: metric("nodejs_heap_size_used_bytes") / 2 ** 20,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0;
}

async function soak(
  next: (i: number) => Request,
  rate: number,
  probe: { webPid: number; workerPid: number; webMetrics: string; workerMetrics: string },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let window: Outcome[] = [];
  let behind = 0;
  let inFlight = 0;
  let i = 0;
  let owed = 0;
  const start = Date.now();
  let last = performance.now();
  const tick = setInterval(() => {
    // From the time gone by, not per tick: a late tick (this process busy) still owes its share.
    const now = performance.now();
    owed += (rate * (now - last)) / 1000;
    last = now;
    for (; owed >= 1; owed--) {
      if (inFlight >= IN_FLIGHT_CAP) {
        behind++;
        continue;
      }
      inFlight++;
      void timed(next(i++)).then((outcome) => {
        inFlight--;
        window.push(outcome);
      });
    }
  }, 100);
  // Scraped once before the first sample, so the first figure covers one interval only.
  await scrape(probe.webMetrics, METRICS_TOKEN);
  await scrape(probe.workerMetrics);
  try {
    while (Date.now() - start < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const done = window;
      window = [];
      const ms = done.map((o) => o.ms).sort((a, b) => a - b);
      const [web, worker] = [await scrape(probe.webMetrics, METRICS_TOKEN), await scrape(probe.workerMetrics)];
      const sample: Sample = {
        minute: (Date.now() - start) / 60_000,
        webRssMb: rssMb(probe.webPid),
        workerRssMb: rssMb(probe.workerPid),
        webLoopP99Ms: web.loopP99Ms,
        workerLoopP99Ms: worker.loopP99Ms,
        webHeapMb: web.heapMb,
        workerHeapMb: worker.heapMb,
        requests: done.length,
        errors: done.filter((o) => !o.ok).length,
        p50Ms: percentile(ms, 0.5),
        p99Ms: percentile(ms, 0.99),
        behind,
        load: os.loadavg()[0]!,
      };
      behind = 0;
      samples.push(sample);
      console.log(
        `${sample.minute.toFixed(1).padStart(5)} min  ${(sample.requests / (SAMPLE_MS / 1000)).toFixed(0).padStart(5)} req/s  ` +
          `p50 ${sample.p50Ms.toFixed(0)} ms  p99 ${sample.p99Ms.toFixed(0)} ms  errors ${sample.errors}  behind ${sample.behind}  ` +
          `RSS web ${sample.webRssMb.toFixed(0)} MB, worker ${sample.workerRssMb.toFixed(0)} MB  ` +
          `heap web ${sample.webHeapMb.toFixed(0)} MB, worker ${sample.workerHeapMb.toFixed(0)} MB  ` +
          `loop p99 web ${sample.webLoopP99Ms.toFixed(1)} ms, worker ${sample.workerLoopP99Ms.toFixed(1)} ms  load ${sample.load.toFixed(1)}`,
      );
    }
  } finally {
    clearInterval(tick);
  }
  return samples;
}

function trendLine(name: string, trend: Trend, unit: string): string {
  return (
    `${name.padEnd(24)} ${trend.early.toFixed(1)} → ${trend.late.toFixed(1)} ${unit} ` +
    `(medians of the 2nd and last fifth; slope ${trend.slopePerTenMinutes >= 0 ? "+" : ""}${trend.slopePerTenMinutes.toFixed(2)} ${unit}/10 min)` +
    `   upward trend: ${trend.upward ? "YES" : "no"}`
  );
}

/** The service's database (BENCH_DATABASE_URL), or with --statements a private server that keeps statement statistics. */
async function withSoakDatabase(fn: (url: string | undefined) => Promise<void>): Promise<void> {
  if (!values.statements) return withBenchDatabase(fn);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-soak-pg-"));
  const server = await startPrivatePostgres({ dir, database: "soak", settings: STATEMENT_STATS_SETTINGS });
  try {
    await enableStatementStats(server.url);
    await fn(server.url);
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Snapshots of the statement statistics at 1/5, 2/5 and 4/5 of the soak and at its end. */
function snapshotStatements(url: string): { taken: Promise<StatementSnapshot>[]; stop: () => void } {
  const taken: Promise<StatementSnapshot>[] = [];
  const timers = [0.2, 0.4, 0.8].map((share) =>
    setTimeout(() => taken.push(statementSnapshot(url)), share * MINUTES * 60_000),
  );
  return { taken, stop: () => timers.forEach(clearTimeout) };
}

await withSoakDatabase(async (databaseUrl) => {
  if (!databaseUrl) throw new Error("the soak runs on PostgreSQL: set BENCH_DATABASE_URL or start the local server");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-soak-"));
  const workerMetricsPort = await freePort();
  const env = hubEnv(dataDir, databaseUrl, { LOG_LEVEL: "warn", WORKERS_IN_PROCESS: "false" });
  const web = await startChild(
    [...HEAP_FLAGS, "src/server.ts"],
    { ...env, METRICS_TOKEN, BOOTSTRAP_ADMIN_USER: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    SERVER_READY,
  );
  const worker = await startChild(
    [...HEAP_FLAGS, "src/worker.ts"],
    { ...env, LOG_LEVEL: "info", METRICS_PORT: String(workerMetricsPort) },
    /workers running()/,
  );
  try {
    const sessions = await openChatSessions(web.url, 500);
    const staff = await openStaff(web.url);
    const next = mix(web.url, sessions, staff);
    await maxThroughput(next, 5); // warm-up
    const { perSecond: max, medianMs } = await maxThroughput(next, MAX_SECONDS);
    const rate = Math.max(1, Math.round(max / 2));
    const medians = Object.entries(medianMs).map(([kind, ms]) => `${kind} ${ms.toFixed(0)} ms`);
    console.log(
      `Soak: web + worker on PostgreSQL; mixed load (70% questions, 20% complaints, 10% staff).\n` +
        `maximum ${max.toFixed(0)} req/s (closed loop, 50 at a time, ${MAX_SECONDS} s; medians: ${medians.join(", ")}); soaking at ${rate} req/s for ${MINUTES} min.\n`,
    );
    const statements = values.statements ? snapshotStatements(databaseUrl) : undefined;
    const samples = await soak(next, rate, {
      webPid: web.child.pid!,
      workerPid: worker.child.pid!,
      webMetrics: `${web.url}/metrics`,
      workerMetrics: `http://127.0.0.1:${workerMetricsPort}/metrics`,
    });
    statements?.stop();
    const snapshots = statements && [...(await Promise.all(statements.taken)), await statementSnapshot(databaseUrl)];
    const summary = summarize(samples);
    console.log(
      `\nrequests ${summary.requests}, errors ${summary.errors}, behind ${summary.behind}; p99 of the per-window p99s ${summary.p99Ms.toFixed(0)} ms`,
    );
    console.log(trendLine("web RSS", trendOf(samples.map((s) => [s.minute, s.webRssMb])), "MB"));
    console.log(trendLine("worker RSS", trendOf(samples.map((s) => [s.minute, s.workerRssMb])), "MB"));
    console.log(trendLine("web heap used", trendOf(samples.map((s) => [s.minute, s.webHeapMb])), "MB"));
    console.log(trendLine("worker heap used", trendOf(samples.map((s) => [s.minute, s.workerHeapMb])), "MB"));
    console.log(trendLine("web event-loop p99", trendOf(samples.map((s) => [s.minute, s.webLoopP99Ms])), "ms"));
    console.log(trendLine("worker event-loop p99", trendOf(samples.map((s) => [s.minute, s.workerLoopP99Ms])), "ms"));
    if (snapshots?.length === 4) {
      const [a, b, c, d] = snapshots as [StatementSnapshot, StatementSnapshot, StatementSnapshot, StatementSnapshot];
      console.log(
        `\nStatements by time in the last fifth, against the second fifth (pg_stat_statements):\n${formatStatementGrowth(statementGrowth([a, b], [c, d]))}`,
      );
    }
    if (values.out) fs.writeFileSync(values.out, JSON.stringify({ max, rate, minutes: MINUTES, samples }, null, 1));
  } finally {
    await stopChild(worker.child);
    await stopChild(web.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
