// /metrics against a real hub (PostgreSQL, Redis, BullMQ workers): Prometheus text, the token
// or local-only rule, request counts per route pattern, queue depths, worker outcomes, the
// outbox backlog, open opinion alerts, what the opinion monitor keeps in memory, and a scrape
// that a Redis that never answers cannot hang.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { createHubMetrics } from "../src/metrics/hub-metrics.ts";
import { ALL_QUEUES } from "../src/queue/queue-names.ts";
import { connectRedis } from "../src/queue/redis-connection.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { openTestTicket, road } from "./support/cases.ts";
import { eventually, startTestHub, TEST_REDIS_URL, type TestHub } from "./support/test-env.ts";

const TOKEN = "metrics-token-for-tests-0123";

/** Prometheus text → samples: `name{label="v",…}` → value (labels in the order written). */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The samples of one metric whose labels include all of these. */
function find(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number[] {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return [...samples]
    .filter(([key]) => (key === name || key.startsWith(`${name}{`)) && wanted.every((w) => key.includes(w)))
    .map(([, value]) => value);
}

describe("/metrics with METRICS_TOKEN", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let workers: Workers;

  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { METRICS_TOKEN: TOKEN } });
    workers = startWorkers(t.hub);
    t.hub.metrics.workers.observe(workers.list);
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app?.close();
    await workers?.close();
    await t?.close();
  });

  const scrape = async () => {
    const res = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(res.body);
  };

  it("refuses a scrape without the token or with another (401), even from this machine", async () => {
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(401);
    const wrong = await app.inject({ url: "/metrics", headers: { authorization: "Bearer not-the-token-at-all" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain("http_request_duration_seconds");
  });

  it("counts requests per route pattern, method and status class, never per raw URL", async () => {
    const labels = { method: "GET", route: "/api/tickets/:number", status_class: "4xx" };
    const before = find(await scrape(), "http_request_duration_seconds_count", labels)[0] ?? 0;
    await app.inject({ url: "/api/tickets/GD20990101-000001" });
    await app.inject({ url: "/api/tickets/GD20990101-000002" });
    const samples = await scrape();
    expect(find(samples, "http_request_duration_seconds_count", labels)[0]).toBe(before + 2);
    expect([...samples.keys()].some((k) => k.includes("GD20990101"))).toBe(false);
    expect(find(samples, "http_request_duration_seconds_bucket", { ...labels, le: "+Inf" })[0]).toBe(before + 2);
  });

  it("shows every queue's depth by state, the workers' outcomes, the pool, the event loop and the process", async () => {
    const filed = await openTestTicket(t.hub, `${road()}的井盖丢了`);
    t.hub.relay.kick();
    await eventually(async () => {
      const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: filed.id } });
      return ticket.status === "submitted" ? undefined : ticket;
    });
    const samples = await eventually(async () => {
      const s = await scrape();
      return (find(s, "hub_queue_jobs_completed_total", { queue: "routing" })[0] ?? 0) >= 1 ? s : undefined;
    });
    for (const queue of ALL_QUEUES) {
      for (const state of ["waiting", "active", "delayed", "failed"]) {
        expect(find(samples, "hub_queue_jobs", { queue, state }), `${queue} ${state}`).toHaveLength(1);
      }
    }
    expect(find(samples, "hub_queue_jobs_failed_total", { queue: "routing" })).toEqual([0]);
    expect(find(samples, "hub_queue_jobs_stalled_total", { queue: "routing" })).toEqual([0]);
    expect(find(samples, "hub_metrics_source_up", { source: "redis" })).toEqual([1]);
    expect(find(samples, "hub_metrics_source_up", { source: "database" })).toEqual([1]);
    expect(find(samples, "hub_db_pool_connections")[0]).toBeGreaterThan(0);
    // The scrape's own query may be waiting for a connection just then: present, not necessarily 0.
    expect(find(samples, "hub_db_pool_waiting_requests")).toHaveLength(1);
    expect(find(samples, "nodejs_eventloop_lag_p99_seconds")).toHaveLength(1);
    expect(find(samples, "process_resident_memory_bytes")[0]).toBeGreaterThan(0);
  });

  it("shows the outbox backlog and the age of its oldest row, and open alerts by level", async () => {
    // A queue no process has: the relay leaves these rows in the outbox, as while Redis is down.
    const queue = `metrics-test-${randomUUID().slice(0, 6)}`;
    const createdAt = new Date(Date.now() - 5 * 60_000);
    await t.hub.db.prisma.outboxEntry.createMany({
      data: [1, 2, 3].map((i) => ({ queue, jobName: "test", jobId: `job-${i}`, payload: {}, createdAt })),
    });
    const now = new Date();
    await t.hub.db.prisma.opinionAlert.create({
      data: {
        id: randomUUID(),
        status: "open",
        level: "预警",
        label: "测试",
        messageCount: 12,
        expected: 2,
        score: 5,
        firstAt: now,
        detectedAt: now,
        updatedAt: now,
      },
    });
    const samples = await scrape();
    expect(find(samples, "hub_outbox_backlog", { queue })).toEqual([3]);
    const age = find(samples, "hub_outbox_oldest_age_seconds")[0]!;
    expect(age).toBeGreaterThanOrEqual(295);
    expect(age).toBeLessThan(400);
    expect(find(samples, "hub_opinion_alerts_open", { level: "预警" })).toEqual([1]);
  });

  it("shows what the opinion monitor keeps in memory, per structure, and its cap", async () => {
    // The workers' monitor takes its lease and rebuilds from the stored rows (none here) at start.
    const samples = await eventually(async () => {
      const s = await scrape();
      return find(s, "hub_opinion_monitor_retained", { structure: "recent_messages" }).length > 0 ? s : undefined;
    });
    for (const structure of [
      "recent_messages",
      "new_matter_messages",
      "burst_messages",
      "message_topics",
      "topics",
      "live_topics",
      "vocabulary",
      "series",
      "keyword_series",
      "series_buckets",
      "topic_ids",
      "alerts",
      "alert_messages",
      "alert_ids",
    ])
      expect(find(samples, "hub_opinion_monitor_retained", { structure }), structure).toEqual([0]);
    expect(find(samples, "hub_opinion_monitor_max_messages")).toEqual([50_000]);
  });
});

describe("/metrics without METRICS_TOKEN", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it("answers a direct request from this machine, and no one else (403)", async () => {
    const local = await app.inject({ url: "/metrics" });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain("# TYPE http_request_duration_seconds histogram");
    // PGlite has no driver pool: no pool figures rather than made-up ones.
    expect(local.body).not.toContain("hub_db_pool_connections");
    expect((await app.inject({ url: "/metrics", remoteAddress: "10.1.2.3" })).statusCode).toBe(403);
    // A reverse proxy on this machine connects from loopback for anyone: a forwarded request is not local.
    const proxied = await app.inject({ url: "/metrics", headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(proxied.statusCode).toBe(403);
  });
});

describe("a scrape while Redis does not answer", () => {
  let t: TestHub;
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    t = await startTestHub("postgresql");
    // Accepts connections and never answers: a Redis that hangs, not one that is down.
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    silent?.close();
    await t?.close();
  });

  it("answers within the time bound, with Redis reported down and the database's figures still there", async () => {
    const { port } = silent.address() as net.AddressInfo;
    const connection = connectRedis(`redis://127.0.0.1:${port}`, "worker");
    const queue = new Queue("routing", { connection, prefix: "silent" });
    try {
      const metrics = createHubMetrics({ queues: new Map([["routing", queue]]), db: t.hub.db, scrapeTimeoutMs: 300 });
      const started = Date.now();
      const samples = parse(await metrics.registry.metrics());
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(find(samples, "hub_metrics_source_up", { source: "redis" })).toEqual([0]);
      expect(find(samples, "hub_queue_jobs")).toEqual([]);
      expect(find(samples, "hub_metrics_source_up", { source: "database" })).toEqual([1]);
      expect(find(samples, "hub_outbox_oldest_age_seconds")).toHaveLength(1);
    } finally {
      connection.disconnect();
      await queue.close().catch(() => undefined);
    }
  });
});

describe("the worker process's /metrics (METRICS_PORT)", () => {
  let t: TestHub;
  beforeAll(async () => {
    // The web side only: the worker process below takes the jobs.
    t = await startTestHub("postgresql");
  });
  afterAll(() => t?.close());

  it("serves its job counters on its own port, behind the token, and stops cleanly", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const worker = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: {
        ...process.env,
        DATABASE_URL: t.databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: t.hub.config.queuePrefix,
        METRICS_PORT: String(port),
        METRICS_TOKEN: TOKEN,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (d) => (output += d));
    worker.stderr!.on("data", (d) => (output += d));
    try {
      const filed = await openTestTicket(t.hub, `${road()}的下水道堵了`);
      t.hub.relay.kick();
      const url = `http://127.0.0.1:${port}/metrics`;
      const samples = await eventually(
        async () => {
          const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } }).catch(() => undefined);
          if (!res?.ok) return undefined;
          const s = parse(await res.text());
          return (find(s, "hub_queue_jobs_completed_total", { queue: "routing" })[0] ?? 0) >= 1 ? s : undefined;
        },
        30_000,
        200,
      );
      expect(find(samples, "hub_queue_jobs", { queue: "routing", state: "waiting" })).toHaveLength(1);
      expect((await fetch(url)).status).toBe(401);
      const ticket = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: filed.id } });
      expect(ticket.status).toBe("assigned");
    } finally {
      const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
      worker.kill("SIGTERM");
      expect(await exited, output).toBe(0);
    }
  }, 60_000);
});
