// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise the embedded default under
// DATA_DIR — a private PostgreSQL server (embedded-postgres.ts), or PGlite when forced or when
// that server cannot run — so a newcomer needs no database server.
import fs from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";
import { acquireEmbeddedLock, DatabaseLockedError } from "./embedded-lock.ts";
import { chooseEmbedded, type DatabaseLog, pgliteDirOf, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { pgliteRunner, pgPoolRunner, type SqlRunner } from "./sql-runner.ts";

export type { DatabaseLog, PrismaClient };
export { DatabaseLockedError };

export interface Database {
  backend: "postgresql" | "pglite";
  prisma: PrismaClient;
  sql: SqlRunner;
  /** The driver's connection pool (PostgreSQL only), read for its figures by /metrics. */
  pool?: Pick<pg.Pool, "totalCount" | "idleCount" | "waitingCount">;
  /** Where the embedded default keeps its files (shown at start); undefined for DATABASE_URL. */
  location?: string;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { backend: "postgresql"; url: string; poolSize?: number }
  /** dataDir undefined = in memory (tests). */
  | { backend: "pglite"; dataDir?: string }
  /** No DATABASE_URL: the private PostgreSQL under dataDir, or PGlite (see chooseEmbedded). */
  | { backend: "embedded"; dataDir: string; setting: "postgres" | "pglite" };

export function databaseTarget(config: {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedDatabase: "postgres" | "pglite";
}): DatabaseTarget {
  return config.databaseUrl
    ? { backend: "postgresql", url: config.databaseUrl }
    : { backend: "embedded", dataDir: config.dataDir, setting: config.embeddedDatabase };
}

const stderrLog: DatabaseLog = {
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`${message}\n`),
};

export async function openDatabase(target: DatabaseTarget, log: DatabaseLog = stderrLog): Promise<Database> {
  if (target.backend === "postgresql") return openPostgres(target.url, target.poolSize);
  if (target.backend === "pglite") return openPglite(target.dataDir);
  return openEmbedded(target.dataDir, target.setting, log);
}

async function openEmbedded(dataDir: string, setting: "postgres" | "pglite", log: DatabaseLog): Promise<Database> {
  const choice = await chooseEmbedded(dataDir, setting);
  if (choice.backend === "pglite") {
    if (setting !== "pglite") log.warn(choice.reason);
    return { ...(await openPglite(pgliteDirOf(dataDir))), location: pgliteDirOf(dataDir) };
  }
  try {
    return await openPrivatePostgres(dataDir, log);
  } catch (error) {
    // Only on a first start may PGlite stand in: later, the data is in the cluster.
    if (!choice.firstStart || error instanceof DatabaseLockedError) throw error;
    log.warn(
      `the private PostgreSQL server cannot run here, so the embedded PGlite is used (slower under load): ${(error as Error).message}`,
    );
    return { ...(await openPglite(pgliteDirOf(dataDir))), location: pgliteDirOf(dataDir) };
  }
}

/** The private PostgreSQL server under dataDir, stopped when the database is closed. */
export async function openPrivatePostgres(dataDir: string, log: DatabaseLog = stderrLog): Promise<Database> {
  const server = await startEmbeddedPostgres(dataDir, log);
  const db = openPostgres(server.url);
  return {
    ...db,
    location: server.dir,
    async close() {
      try {
        await db.close();
      } finally {
        await server.stop();
      }
    },
  };
}

function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    backend: "postgresql",
    prisma,
    sql: pgPoolRunner(pool),
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await fs.mkdir(dataDir, { recursive: true });
  // One process at a time on the files (see embedded-lock.ts); in memory needs no lock.
  const lock = dataDir ? await acquireEmbeddedLock(dataDir) : undefined;
  let db: PGlite;
  try {
    db = new PGlite(dataDir);
    await db.waitReady;
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    backend: "pglite",
    prisma,
    sql: pgliteRunner(db),
    async close() {
      try {
        await prisma.$disconnect();
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
