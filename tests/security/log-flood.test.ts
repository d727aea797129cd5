// Finding 16: while Redis is down the log must say so once, and once more when it is back —
// not a warning from every worker, relay poll and reconcile round (40 in 10 s before).
// A hub with its workers, the reconciler every second and a complaint waiting in the
// outbox; its private Redis is stopped for 10 s and started again.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/build-app.ts";
import { createHub, type Hub } from "../../src/hub.ts";
import { type PrivateService, startPrivateRedis } from "../../src/infra/private-redis.ts";
import { createLogger } from "../../src/logger.ts";
import { startWorkers, type Workers } from "../../src/start-workers.ts";
import { createTestDatabase, eventually, testConfig } from "../support/test-env.ts";

interface Line {
  level: number;
  msg: string;
}

const WARN = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("logs while Redis is down", () => {
  const lines: Line[] = [];
  let redis: PrivateService;
  let dataDir: string;
  let port: number;
  let hub: Hub;
  let workers: Workers;
  let app: FastifyInstance;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "redis-log-flood-"));
    redis = await startPrivateRedis({ dataDir });
    port = Number(new URL(redis.url).port);
    const database = await createTestDatabase("pglite");
    dropDatabase = database.drop;
    const log = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    hub = await createHub({
      config: testConfig({ CASE_TIMER_RECONCILE_MS: "1000" }),
      redisUrl: redis.url,
      log,
      database: database.target,
    });
    workers = startWorkers(hub);
    app = await buildApp(hub);
    await sleep(1_500); // workers connected, a reconcile round done
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await workers.close();
    await hub.close();
    await redis.stop();
    await dropDatabase();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("logs the outage once and the recovery once", async () => {
    // From the moment Redis goes: a worker's blocking connection may notice the outage at once.
    const mark = lines.length;
    await redis.stop();
    // A complaint filed now waits in the outbox: the relay fails on every poll.
    const filed = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      payload: { text: "阳光小区门口路灯坏了一个月没人修" },
    });
    expect(filed.statusCode).toBe(200);
    const number = filed.json().ticket.number as string;
    await sleep(10_000);

    const during = lines.slice(mark).filter((l) => l.level >= WARN);
    expect(during.map((l) => l.msg)).toEqual([expect.stringMatching(/Redis unreachable/)]);

    const back = lines.length;
    redis = await startPrivateRedis({ dataDir, port });
    await eventually(
      async () => {
        const ticket = await hub.db.prisma.ticket.findUnique({ where: { number } });
        return ticket && ticket.status !== "submitted" ? true : undefined;
      },
      30_000,
      100,
    );
    await eventually(async () =>
      lines.slice(back).some((l) => /Redis reachable again/.test(l.msg)) ? true : undefined,
    );
    await sleep(3_000); // every part reconnected and reconciled
    const after = lines.slice(back);
    expect(after.filter((l) => l.level >= WARN).map((l) => l.msg)).toEqual([]);
    expect(after.filter((l) => /Redis reachable again/.test(l.msg))).toHaveLength(1);
  }, 90_000);
});
