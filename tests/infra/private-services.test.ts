import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/infra/free-port.ts";
import { startPrivatePostgres } from "../../src/infra/private-postgres.ts";
import { startPrivateRedis } from "../../src/infra/private-redis.ts";
import { hostPortOf, isTcpReachable } from "../../src/infra/reachable.ts";
import { ensureCommand, missingCommandMessage } from "../../src/infra/system-package.ts";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "infra-test-"));
  // When root, the private PostgreSQL runs as `postgres`, which must be able to enter this dir.
  await chmod(scratch, 0o755);
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("freePort", () => {
  it("returns a port that can be bound on 127.0.0.1", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    await close(await listen(port));
  });
});

describe("isTcpReachable", () => {
  it("parses host and port, with per-scheme defaults", () => {
    expect(hostPortOf("postgresql://postgres@db.example:6543/test")).toEqual({ host: "db.example", port: 6543 });
    expect(hostPortOf("postgres://u:p@localhost/test")).toEqual({ host: "localhost", port: 5432 });
    expect(hostPortOf("redis://127.0.0.1")).toEqual({ host: "127.0.0.1", port: 6379 });
    expect(hostPortOf("redis://[::1]:7000/0")).toEqual({ host: "::1", port: 7000 });
  });

  it("is true for a listening port and false for a closed one", async () => {
    const server = await listen();
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    expect(await isTcpReachable(`redis://127.0.0.1:${address.port}`)).toBe(true);
    await close(server);
    expect(await isTcpReachable(`redis://127.0.0.1:${address.port}`, 500)).toBe(false);
    expect(await isTcpReachable(`postgresql://postgres@127.0.0.1:${await freePort()}/test`, 500)).toBe(false);
  });

  it("is false for a URL it cannot parse", async () => {
    expect(await isTcpReachable("not a url")).toBe(false);
  });
});

describe("ensureCommand", () => {
  it("resolves when the binary exists", async () => {
    await expect(ensureCommand(process.execPath, "nodejs", { isRoot: false })).resolves.toBeUndefined();
  });

  it("says how to install or avoid a missing binary when not root", async () => {
    const missing = join(scratch, "no-such-redis-server");
    await expect(ensureCommand(missing, "redis-server", { isRoot: false })).rejects.toThrow(
      missingCommandMessage(missing, "redis-server"),
    );
    const message = missingCommandMessage("/usr/bin/redis-server", "redis-server");
    expect(message).toContain("/usr/bin/redis-server not found");
    expect(message).toContain("`sudo apt-get install redis-server`");
    expect(message).toContain("REDIS_URL");
    expect(missingCommandMessage("initdb", "postgresql")).toContain("DATABASE_URL");
    expect(missingCommandMessage("x", "pkg", "set X_URL")).toMatch(/apt-get install pkg`, or set X_URL\.$/);
  });
});

describe("startPrivateRedis", () => {
  it("serves PING, persists to an append-only file, and frees its port on stop", async () => {
    const dataDir = join(scratch, "redis");
    const redis = await startPrivateRedis({ dataDir });
    const port = hostPortOf(redis.url).port;
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.ping()).toBe("PONG");
      expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      await client.set("infra-test", "保留");
    } finally {
      client.disconnect();
    }
    const files = await readdir(dataDir, { recursive: true });
    expect(files.some((f) => f.includes("appendonly"))).toBe(true);

    await redis.stop();
    await redis.stop(); // idempotent
    expect(await isTcpReachable(redis.url, 500)).toBe(false);
    await close(await listen(port));

    // The data survives a restart from the same directory.
    const again = await startPrivateRedis({ dataDir });
    const reader = new Redis(again.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await reader.connect();
      expect(await reader.get("infra-test")).toBe("保留");
    } finally {
      reader.disconnect();
      await again.stop();
    }
  });
});

describe("startPrivatePostgres", () => {
  it("initialises a cluster, creates database test, and stops", { timeout: 60_000 }, async () => {
    const started = Date.now();
    const postgres = await startPrivatePostgres({ dir: join(scratch, "pg") });
    try {
      expect(postgres.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test$/);
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string; enc: string }>(
          "SELECT current_database() AS db, current_setting('server_encoding') AS enc",
        );
        expect(rows[0]).toEqual({ db: "test", enc: "UTF8" });
      } finally {
        await client.end();
      }
    } finally {
      await postgres.stop();
    }
    expect(await isTcpReachable(postgres.url, 500)).toBe(false);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
