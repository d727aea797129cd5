// REDIS_URL=redis+sentinel://…: the hub's connections find the primary through a real
// Sentinel (redis-server --sentinel) watching the test Redis, and BullMQ works over them.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { connectRedis } from "../src/queue/redis-connection.ts";
import { sentinelOptions } from "../src/queue/redis-sentinel-url.ts";
import { eventually, TEST_REDIS_URL, uniqueName } from "./support/test-env.ts";

describe("redis+sentinel:// URLs", () => {
  it("name the sentinels, the primary and its password", () => {
    expect(sentinelOptions("redis+sentinel://:s%40cret@10.0.0.1:26379,10.0.0.2,sentinel-3:26380/mymaster")).toEqual({
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "10.0.0.2", port: 26379 },
        { host: "sentinel-3", port: 26380 },
      ],
      name: "mymaster",
      password: "s@cret",
    });
    expect(() => sentinelOptions("redis+sentinel://10.0.0.1:26379")).toThrow(/primary's name/);
    expect(loadConfig({ REDIS_URL: "redis+sentinel://s1:26379/mymaster" }).redisUrl).toBe(
      "redis+sentinel://s1:26379/mymaster",
    );
  });
});

describe("a connection through Sentinel", () => {
  let sentinel: ChildProcess;
  let dir: string;
  let port: number;
  beforeAll(async () => {
    const primary = new URL(TEST_REDIS_URL);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sentinel-"));
    port = 26_000 + Math.floor(Math.random() * 3_000);
    // Sentinel rewrites its file, so it must be a writable one of its own.
    await fs.writeFile(
      path.join(dir, "sentinel.conf"),
      `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor hubtest ${primary.hostname} ${primary.port || 6379} 1\n`,
    );
    sentinel = spawn("redis-server", [path.join(dir, "sentinel.conf"), "--sentinel"], { stdio: "ignore" });
    // Answering, and knowing the primary.
    const probe = connectRedis(`redis://127.0.0.1:${port}`, "probe");
    try {
      await eventually(
        async () => (await probe.call("SENTINEL", "get-master-addr-by-name", "hubtest").catch(() => null)) ?? undefined,
        10_000,
        100,
      );
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    sentinel?.kill("SIGTERM");
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("reaches the primary the sentinel names, and BullMQ queues work over it", async () => {
    const redis = connectRedis(`redis+sentinel://127.0.0.1:${port}/hubtest`, "producer");
    // As the hub does (producerConnected): queues are made once the producer is connected.
    await eventually(async () => (redis.status === "ready" ? true : undefined), 10_000, 50);
    const queue = new Queue("routing", { connection: redis, prefix: uniqueName("sentinel") });
    try {
      await queue.add("route", { ticketId: "t-1" }, { jobId: "t-1" });
      expect(await queue.getJobCounts("waiting")).toEqual({ waiting: 1 });
      // The job is in the test Redis itself: the sentinel handed out its address.
      const direct = connectRedis(TEST_REDIS_URL, "worker");
      try {
        expect(await direct.exists(`${queue.opts.prefix}:routing:t-1`)).toBe(1);
      } finally {
        direct.disconnect();
      }
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
    }
  });
});
