// No ticket, event or timer is lost when a worker process dies mid-job or Redis
// restarts (keeping its data, or losing it).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub } from "../src/hub.ts";
import { startPrivateRedis, type PrivateService } from "../src/infra/private-redis.ts";
import { timerJobId } from "../src/cases/deadline-timers.ts";
import { startWorkers, type Workers } from "../src/start-workers.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { openTestTicket, road } from "./support/cases.ts";
import { BACKENDS, eventually, startTestHub, TEST_REDIS_URL, type TestHub } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");

/** Every ticket routed exactly once, with an intact history and its next deadline timer set. */
async function expectNothingLost(hub: Hub, ticketIds: string[]) {
  const tickets = await hub.db.prisma.ticket.findMany({ where: { id: { in: ticketIds } }, include: { events: true } });
  expect(tickets).toHaveLength(ticketIds.length);
  for (const ticket of tickets) {
    expect(ticket.status).toBe("assigned");
    expect(ticket.events.map((e) => e.type).sort()).toEqual(["assigned", "created"]);
  }
  expect((await verifyAuditTrail(hub.db.prisma)).problems).toEqual([]);
  const queue = hub.queues.get("deadlines")!;
  await eventually(
    async () => {
      for (const id of ticketIds) if (!(await queue.getJob(timerJobId(id, "remind50")))) return undefined;
      return true;
    },
    30_000,
    200,
  );
}

async function fileTickets(hub: Hub, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await openTestTicket(hub, `东湖区${road()}${i}号路灯坏了`)).id);
  hub.relay.kick();
  return ids;
}

describe("a worker process killed in the middle of its jobs", () => {
  let t: TestHub;
  let hub: Hub;
  let databaseUrl: string;
  const prefix = `kill${Date.now()}`;
  const workers: ChildProcess[] = [];

  function startWorkerProcess(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "src/worker.ts"], {
      cwd: root,
      // A short lock, so the jobs the dead worker held are taken over within seconds.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: "warn",
        WORKER_LOCK_MS: "2000",
      },
      stdio: "ignore",
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    // The web side: files tickets and relays their jobs, runs no workers.
    t = await startTestHub("postgresql", { env: { QUEUE_PREFIX: prefix } });
    ({ hub, databaseUrl } = t as TestHub & { databaseUrl: string });
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill("SIGKILL");
    await t.close();
  });

  it("loses no ticket, event or timer: another worker takes over its jobs", async () => {
    const routing = hub.queues.get("routing")!;
    const first = startWorkerProcess();
    const ids = await fileTickets(hub, 150);
    // Kill it while it holds jobs: some tickets are routed, others are in its hands.
    await eventually(
      async () => (((await routing.getJobCounts("active")).active ?? 0) > 0 ? true : undefined),
      60_000,
      10,
    );
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const heldWhenKilled = (await routing.getJobCounts("active")).active ?? 0;
    const routedWhenKilled = await hub.db.prisma.ticket.count({ where: { id: { in: ids }, status: "assigned" } });
    expect(routedWhenKilled).toBeLessThan(ids.length);
    ids.push(...(await fileTickets(hub, 30))); // filed while no worker runs

    const second = startWorkerProcess();
    await eventually(
      async () =>
        (await hub.db.prisma.ticket.count({ where: { id: { in: ids }, status: "submitted" } })) === 0
          ? true
          : undefined,
      90_000,
      200,
    );
    await expectNothingLost(hub, ids);
    expect(heldWhenKilled + routedWhenKilled).toBeGreaterThan(0);

    const exited = new Promise<number | null>((resolve) => second.once("exit", resolve));
    second.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 180_000);
});

describe.each(BACKENDS)("Redis restarting on %s", (backend) => {
  let redis: PrivateService;
  let dataDir: string;
  let port: number;
  let t: TestHub;
  let workers: Workers;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "redis-restart-"));
    redis = await startPrivateRedis({ dataDir });
    port = Number(new URL(redis.url).port);
    // Reconcile the timers every second, so a Redis that lost its data is refilled quickly.
    t = await startTestHub(backend, { redisUrl: redis.url, env: { CASE_TIMER_RECONCILE_MS: "1000" } });
    workers = startWorkers(t.hub);
  });
  afterAll(async () => {
    await workers.close();
    await t.close();
    await redis.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const routedAll = (ids: string[]) =>
    eventually(
      async () =>
        (await t.hub.db.prisma.ticket.count({ where: { id: { in: ids }, status: "submitted" } })) === 0
          ? true
          : undefined,
      60_000,
      100,
    );

  it("keeps every timer through a restart, and routes what was filed while it was down", async () => {
    const before = await fileTickets(t.hub, 10);
    await routedAll(before);
    await redis.stop();
    const during = await fileTickets(t.hub, 5);
    redis = await startPrivateRedis({ dataDir, port });
    await routedAll(during);
    await expectNothingLost(t.hub, [...before, ...during]);
  }, 120_000);

  it("rebuilds every timer from the database when Redis comes back empty", async () => {
    const before = await fileTickets(t.hub, 10);
    await routedAll(before);
    await redis.stop();
    await fs.rm(dataDir, { recursive: true, force: true }); // the data is gone
    const during = await fileTickets(t.hub, 5);
    redis = await startPrivateRedis({ dataDir, port });
    // Redis really lost everything: the finished routing jobs (kept for a week) are gone too.
    const routingJob = await eventually(async () => {
      try {
        return { job: await t.hub.queues.get("routing")!.getJob(before[0]!) };
      } catch {
        return undefined; // still reconnecting
      }
    });
    expect(routingJob.job).toBeUndefined();
    await routedAll(during);
    await expectNothingLost(t.hub, [...before, ...during]);
  }, 120_000);
});
