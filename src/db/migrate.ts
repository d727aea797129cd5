// Applies prisma/migrations/*/migration.sql in order. Prisma's own `migrate deploy`
// needs a native engine that cannot be downloaded everywhere, so this runner does the
// same job and keeps the same bookkeeping table: either tool can take over later.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SqlRunner } from "./sql-runner.ts";

export const defaultMigrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

// The key Prisma itself locks on, so the two never migrate at the same time.
const MIGRATION_LOCK_KEY = 72707369;

const CREATE_BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export async function readMigrations(dir = defaultMigrationsDir): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
}

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrate(sql: SqlRunner, dir = defaultMigrationsDir): Promise<string[]> {
  const files = await readMigrations(dir);
  return sql.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await tx.exec(CREATE_BOOKKEEPING_TABLE);
    const applied = await appliedMigrations(tx);
    const pending = planPending(files, applied);
    for (const file of pending) {
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}`);
      }
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), file.checksum, file.name],
      );
    }
    return pending.map((f) => f.name);
  });
}

/** Names of migrations on disk that the database has not applied (for readiness). */
export async function pendingMigrations(sql: Pick<SqlRunner, "query">, dir = defaultMigrationsDir): Promise<string[]> {
  const files = await readMigrations(dir);
  const exists = await sql.query<{ name: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS name`);
  if (!exists[0]?.name) return files.map((f) => f.name);
  return planPending(files, await appliedMigrations(sql)).map((f) => f.name);
}

async function appliedMigrations(sql: Pick<SqlRunner, "query">): Promise<AppliedRow[]> {
  return sql.query<AppliedRow>(
    `SELECT migration_name, checksum FROM "_prisma_migrations"
     WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
}

function planPending(files: MigrationFile[], applied: AppliedRow[]): MigrationFile[] {
  const byName = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  for (const file of files) {
    const checksum = byName.get(file.name);
    if (checksum && checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was changed after it was applied (checksum ${checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Add a new migration instead of editing an applied one.`,
      );
    }
  }
  return files.filter((file) => !byName.has(file.name));
}
