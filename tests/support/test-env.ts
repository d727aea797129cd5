// Real services for tests: a throwaway PostgreSQL database per test file (or an
// in-memory PGlite), and a unique BullMQ prefix on the shared Redis.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { channelModules } from "../../connectors/index.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { type Database, type DatabaseTarget, openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createHub, type Hub } from "../../src/hub.ts";
import { startWorkers } from "../../src/start-workers.ts";
import { createLogger } from "../../src/logger.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export type Backend = "postgresql" | "pglite";
export const BACKENDS: Backend[] = ["postgresql", "pglite"];

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    // Rate limits off unless a test turns them on (tests/security/rate-limits.test.ts): suites send fast from one address.
    { NODE_ENV: "test", LOG_LEVEL: "silent", QUEUE_PREFIX: uniqueName("test"), RATE_LIMIT: "off", ...env },
    channelModules(),
  );
}

/** A fresh, empty database; drop() removes it. */
export async function createTestDatabase(backend: Backend): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  if (backend === "pglite") return { target: { backend: "pglite" }, drop: async () => undefined };
  const name = uniqueName("hub_test");
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    target: { backend: "postgresql", url: url.toString(), poolSize: 5 },
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh database of the backend with every migration applied; `close` also drops it. */
export async function openMigratedTestDatabase(backend: Backend): Promise<{ db: Database; close(): Promise<void> }> {
  const created = await createTestDatabase(backend);
  const db = await openDatabase(created.target);
  await migrate(db.sql);
  return {
    db,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}

export interface TestHub {
  hub: Hub;
  /** The PostgreSQL database's URL, for a child process to share it; undefined on PGlite. */
  databaseUrl?: string;
  close(): Promise<void>;
}

export interface TestHubOptions {
  redisUrl?: string;
  env?: Record<string, string>;
  /** Also start the queue workers (closed before the hub). */
  workers?: boolean;
}

export async function startTestHub(backend: Backend, options: TestHubOptions = {}): Promise<TestHub> {
  const database = await createTestDatabase(backend);
  const config = testConfig(options.env);
  const hub = await createHub({
    config,
    redisUrl: options.redisUrl ?? TEST_REDIS_URL,
    log: createLogger("silent"),
    database: database.target,
  });
  const target = database.target as { url?: string };
  const workers = options.workers ? startWorkers(hub) : undefined;
  return {
    hub,
    databaseUrl: target.url,
    async close() {
      await workers?.close();
      await hub.close();
      await database.drop();
    },
  };
}

/** Polls until check() returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
