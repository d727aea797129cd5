// `npm run db:move-from-pglite`: moves the embedded PGlite data of an earlier version (DATA_DIR/pglite)
// into PostgreSQL — the private server under DATA_DIR/postgres, or DATABASE_URL when set — so the
// hub can leave PGlite, which serves the chat API far slower (docs/deploy.md#moving-off-pglite).
// With the hub stopped: both databases are locked while it runs. The copy is one transaction;
// only after it commits is DATA_DIR/pglite renamed to pglite.moved-<time> (kept as a backup), so
// an interrupted move leaves the hub on PGlite as before and can simply be run again.
// Exit code 0: moved (or nothing to move); 2: could not run.
import { access, rename, rm } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "./config.ts";
import { copyTables } from "./db/copy-tables.ts";
import { type Database, openDatabase, openPrivatePostgres } from "./db/database.ts";
import { describeDatabaseError } from "./db/describe-error.ts";
import { pgliteDirOf, postgresDirOf } from "./db/embedded-postgres.ts";
import { migrate, readMigrations } from "./db/migrate.ts";

async function main(): Promise<number> {
  const config = loadConfig();
  const pgliteDir = pgliteDirOf(config.dataDir);
  const exists = (file: string) =>
    access(file).then(
      () => true,
      () => false,
    );
  if (!(await exists(path.join(pgliteDir, "PG_VERSION")))) {
    console.log(`${pgliteDir} holds no PGlite data: nothing to move.`);
    return 0;
  }
  const source = await openDatabase({ backend: "pglite", dataDir: pgliteDir });
  // A private cluster this run creates is removed if the move fails, so it can simply be run again.
  const newCluster = !config.databaseUrl && !(await exists(path.join(postgresDirOf(config.dataDir), "PG_VERSION")));
  let moved = false;
  let target: Database | undefined;
  let copied: Awaited<ReturnType<typeof copyTables>>;
  try {
    // Both at the same schema before rows move between them.
    await migrate(source.sql);
    target = config.databaseUrl
      ? await openDatabase({ backend: "postgresql", url: config.databaseUrl })
      : await openPrivatePostgres(config.dataDir);
    // Into a new database only: one the hub already ran on would be overwritten.
    const applied = await migrate(target.sql);
    if (applied.length !== (await readMigrations()).length) {
      throw new Error(
        `${config.databaseUrl ? "DATABASE_URL" : target.location} already holds the hub's tables: move into a new, empty database`,
      );
    }
    console.log(`moving ${pgliteDir} → ${config.databaseUrl ? "DATABASE_URL" : target.location} …`);
    copied = await copyTables(source.sql, target.sql);
    moved = true;
  } finally {
    await target?.close();
    await source.close();
    if (!moved && newCluster) {
      await rm(postgresDirOf(config.dataDir), { recursive: true, force: true });
      await rm(`${postgresDirOf(config.dataDir)}.password`, { force: true });
    }
  }
  const backup = `${pgliteDir}.moved-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await rename(pgliteDir, backup);
  for (const { table, rows } of copied) if (rows > 0) console.log(`  ${table.padEnd(24)} ${rows}`);
  console.log(
    `迁移完成 / moved ${copied.reduce((n, t) => n + t.rows, 0)} rows. The PGlite files are kept in ${backup}; ` +
      "delete them once the hub runs well on PostgreSQL.",
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(describeDatabaseError(error, "迁移失败 / the move failed (nothing was changed)"));
    process.exit(2);
  },
);
