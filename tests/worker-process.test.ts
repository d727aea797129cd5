// `npm run worker`: the production layout, where queue workers run in their own process.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestHub, TEST_REDIS_URL, type TestHub } from "./support/test-env.ts";
import type { Hub } from "../src/hub.ts";

const root = path.resolve(import.meta.dirname, "..");
const workerArgs = ["--import", "tsx", "src/worker.ts"];

describe("the separate worker process", () => {
  let t: TestHub;
  let hub: Hub;
  let databaseUrl: string;
  const prefix = `worker${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // The web side only: it files tickets but runs no workers.
    t = await startTestHub("postgresql", { env: { QUEUE_PREFIX: prefix } });
    ({ hub, databaseUrl } = t as TestHub & { databaseUrl: string });
  });
  afterAll(async () => {
    await t.close();
  });

  it("assigns tickets filed by the web process, and stops cleanly on SIGTERM", async () => {
    const worker = spawn(process.execPath, workerArgs, {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    worker.stdout!.on("data", (d) => (output += d));
    worker.stderr!.on("data", (d) => (output += d));
    try {
      const outcome = await hub.pipeline.handle({
        channel: "webchat",
        channelUserId: "w1",
        text: "阳光小区门口路灯坏了一个月没人修",
        channelMessageId: randomUUID(),
        receivedAt: new Date(),
      });
      const ticket = await eventually(async () => {
        const found = await hub.db.prisma.ticket.findUnique({ where: { number: outcome.ticket!.number } });
        return found?.status === "assigned" ? found : undefined;
      }, 30_000);
      expect(ticket.departmentCode).toBeTruthy();
    } finally {
      const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
      worker.kill("SIGTERM");
      expect(await exited, output).toBe(0);
    }
  }, 60_000);

  it("refuses to start without a shared database and Redis, and says why", () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const result = spawnSync(process.execPath, workerArgs, { cwd: root, env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("npm run worker needs DATABASE_URL and REDIS_URL");
  });

  it("refuses a wrong setting at start, naming the variable", () => {
    const result = spawnSync(process.execPath, workerArgs, {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, PORT: "not-a-port" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT="not-a-port": must be a port number/);
  });
});
