// The embedded default (no DATABASE_URL): a private PostgreSQL server under DATA_DIR/postgres,
// started and stopped with the hub, rather than PGlite, which runs PostgreSQL as WebAssembly on
// the web process's own event loop and so serves the chat API at a fraction of the speed
// (docs/benchmarks.md, "The embedded default"). PGlite stays the fallback.
import { access, rm } from "node:fs/promises";
import path from "node:path";
import { startPrivatePostgres } from "../infra/private-postgres.ts";
import { acquireEmbeddedLock } from "./embedded-lock.ts";

export interface DatabaseLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedPostgres {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** firstStart: no cluster yet, so if it cannot be created PGlite may stand in without hiding data. */
export type EmbeddedChoice = { backend: "postgres"; firstStart: boolean } | { backend: "pglite"; reason: string };

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

export const postgresDirOf = (dataDir: string) => path.join(dataDir, "postgres");
export const pgliteDirOf = (dataDir: string) => path.join(dataDir, "pglite");

/**
 * PGlite when asked for, or while DATA_DIR/pglite holds data — an earlier version's, or a fallback's:
 * starting on an empty server would hide every ticket. `npm run db:move-from-pglite` copies it into
 * the private PostgreSQL and only then renames the PGlite directory, so a half-done move changes nothing.
 */
export async function chooseEmbedded(dataDir: string, setting: "postgres" | "pglite"): Promise<EmbeddedChoice> {
  if (setting === "pglite") return { backend: "pglite", reason: "EMBEDDED_DATABASE=pglite" };
  if (await exists(path.join(pgliteDirOf(dataDir), "PG_VERSION"))) {
    return {
      backend: "pglite",
      reason:
        `${pgliteDirOf(dataDir)} holds data (from an earlier version, or a fallback), so the embedded PGlite stays in ` +
        "use; it is slower under load than the private PostgreSQL server. To move the data, stop the hub and run " +
        "`npm run db:move-from-pglite` (docs/deploy.md#moving-off-pglite). / PGlite 中已有数据，继续使用 PGlite；" +
        "停止服务后运行 npm run db:move-from-pglite 可迁移到内置 PostgreSQL。",
    };
  }
  return { backend: "postgres", firstStart: !(await exists(path.join(postgresDirOf(dataDir), "PG_VERSION"))) };
}

/**
 * Starts the hub's private PostgreSQL, holding DATA_DIR/postgres.lock so a second hub on the same
 * DATA_DIR stops with DatabaseLockedError instead of sharing (or stopping) this one's server. With
 * the lock held, a postmaster still running in the directory is an orphan of a dead run, and
 * startPrivatePostgres stops it. A cluster this call created but could not run is removed, so a
 * fallback to PGlite is decided afresh on the next start.
 */
export async function startEmbeddedPostgres(dataDir: string, log: DatabaseLog): Promise<EmbeddedPostgres> {
  const dir = postgresDirOf(dataDir);
  const lock = await acquireEmbeddedLock(dir);
  const existed = await exists(path.join(dir, "PG_VERSION"));
  try {
    const server = await startPrivatePostgres({ dir, database: "hub", durable: true, log: (line) => log.info(line) });
    return {
      url: server.url,
      dir,
      async stop() {
        try {
          await server.stop();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    if (!existed) await rm(dir, { recursive: true, force: true });
    await lock.release();
    throw error;
  }
}
