// The restore drill (docs/deploy.md#backups-and-the-restore-drill): a backup is only as good
// as its last restore. Dumps the database at DATABASE_URL (pg_dump, custom format, from one
// snapshot), restores it into a scratch database on the same server, checks that every table
// has the rows the snapshot had and that every ticket's audit trail verifies on the restored
// copy (hash chain and ticket rows, src/cases/audit-verify.ts), then drops the scratch database.
//
//   DATABASE_URL=postgresql://… npx tsx scripts/restore-drill.ts [--keep-dump <file>]
//
// Exit status 0 when the restored copy matches, 1 when it does not, 2 when the drill could not run.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { openDatabase } from "../src/db/database.ts";

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

/** Every table of the public schema with its row count, as one transaction (snapshot) sees them. */
async function rowCounts(client: pg.Client | pg.PoolClient): Promise<Map<string, number>> {
  const tables = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const counts = new Map<string, number>();
  for (const { name } of tables.rows) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`);
    counts.set(name, rows[0]!.n);
  }
  return counts;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function main(): Promise<number> {
  const source = process.env.DATABASE_URL;
  if (!source) {
    console.error("restore drill: set DATABASE_URL to the database to back up and restore");
    return 2;
  }
  const keepAt = process.argv.indexOf("--keep-dump");
  const sourceName = decodeURIComponent(new URL(source).pathname.slice(1));
  const scratch = `${sourceName}_restore_drill_${Date.now()}`.slice(0, 63);
  const dumpFile = keepAt > 0 ? process.argv[keepAt + 1]! : path.join(os.tmpdir(), `${scratch}.dump`);
  const started = Date.now();
  const step = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`);

  // One snapshot for the counts and the dump, so a live hub writing meanwhile changes neither.
  const client = new pg.Client({ connectionString: source });
  await client.connect();
  let expected: Map<string, number>;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id");
    expected = await rowCounts(client);
    step(`source ${sourceName}: ${expected.size} tables, snapshot ${rows[0]!.id}`);
    await run("pg_dump", ["--format=custom", `--snapshot=${rows[0]!.id}`, `--file=${dumpFile}`, source]);
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
  const { size } = await fs.stat(dumpFile);
  step(`dumped to ${dumpFile} (${(size / 1024 / 1024).toFixed(2)} MB)`);

  const admin = new pg.Client({ connectionString: withDatabase(source, "postgres") });
  await admin.connect();
  let failures = 0;
  try {
    await admin.query(`CREATE DATABASE "${scratch}"`);
    step(`created scratch database ${scratch}`);
    const restoredUrl = withDatabase(source, scratch);
    await run("pg_restore", ["--no-owner", "--exit-on-error", `--dbname=${restoredUrl}`, dumpFile]);
    step("restored");

    const restoredClient = new pg.Client({ connectionString: restoredUrl });
    await restoredClient.connect();
    const restored = await rowCounts(restoredClient).finally(() => restoredClient.end());
    for (const [table, rows] of expected) {
      const got = restored.get(table);
      const ok = got === rows;
      if (!ok) failures++;
      console.log(
        `  ${ok ? "ok  " : "DIFF"} ${table.padEnd(24)} ${String(rows).padStart(8)} rows${ok ? "" : `, restored ${got ?? "missing"}`}`,
      );
    }
    for (const table of restored.keys()) {
      if (!expected.has(table)) {
        failures++;
        console.log(`  DIFF ${table}: in the restored copy only`);
      }
    }

    const db = await openDatabase({ backend: "postgresql", url: restoredUrl, poolSize: 2 });
    try {
      const audit = await verifyAuditTrail(db.prisma);
      failures += audit.problems.length;
      step(
        `audit trail on the restored copy: ${audit.tickets} tickets, ${audit.events} events, ` +
          `${audit.problems.length} problems, digest ${audit.digest}`,
      );
      for (const p of audit.problems.slice(0, 20))
        console.log(`  BROKEN ${p.ticketNumber} seq ${p.seq ?? "-"}: ${p.problem}`);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`).catch((error: unknown) => {
      console.error(`could not drop ${scratch}: ${(error as Error).message}`);
    });
    await admin.end();
    step(`dropped scratch database ${scratch}`);
    if (keepAt < 0) await fs.rm(dumpFile, { force: true });
  }
  console.log(failures === 0 ? "RESTORE DRILL PASSED" : `RESTORE DRILL FAILED: ${failures} problem(s)`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`restore drill could not run: ${(error as Error).message}`);
    process.exit(2);
  },
);
