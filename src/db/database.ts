// Opens the database: PostgreSQL when DATABASE_URL is set, otherwise an embedded
// PGlite under DATA_DIR, so a newcomer needs no database server.
import fs from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";
import { acquireEmbeddedLock } from "./embedded-lock.ts";
import { pgliteRunner, pgPoolRunner, type SqlRunner } from "./sql-runner.ts";

export type { PrismaClient };
export { DatabaseLockedError } from "./embedded-lock.ts";

export interface Database {
  backend: "postgresql" | "pglite";
  prisma: PrismaClient;
  sql: SqlRunner;
  /** The driver's connection pool (PostgreSQL only), read for its figures by /metrics. */
  pool?: Pick<pg.Pool, "totalCount" | "idleCount" | "waitingCount">;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { backend: "postgresql"; url: string; poolSize?: number }
  /** dataDir undefined = in memory (tests). */
  | { backend: "pglite"; dataDir?: string };

export function databaseTarget(config: { databaseUrl: string | undefined; dataDir: string }): DatabaseTarget {
  return config.databaseUrl
    ? { backend: "postgresql", url: config.databaseUrl }
    : { backend: "pglite", dataDir: path.join(config.dataDir, "pglite") };
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.backend === "postgresql") {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
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
  if (target.dataDir) await fs.mkdir(target.dataDir, { recursive: true });
  // One process at a time on the files (see embedded-lock.ts); in memory needs no lock.
  const lock = target.dataDir ? await acquireEmbeddedLock(target.dataDir) : undefined;
  let db: PGlite;
  try {
    db = new PGlite(target.dataDir);
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
