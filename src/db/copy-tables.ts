// Copies every table of one database into another of the same schema (both migrated to the same
// point), for moving an earlier version's embedded PGlite into PostgreSQL
// (npm run db:move-from-pglite). Generic on purpose: a table added later is moved without a change here.
import type { SqlRunner } from "./sql-runner.ts";

const PAGE_ROWS = 2_000;

export interface CopiedTable {
  table: string;
  rows: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Copies in one transaction on the target, which must be a database just created and migrated
 * (the caller checks): the rows its migrations seeded are replaced by the source's. Returns each
 * table's count.
 */
export async function copyTables(from: SqlRunner, to: SqlRunner): Promise<CopiedTable[]> {
  const tables = (
    await from.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
       ORDER BY table_name`,
    )
  ).map((t) => t.name);
  return to.transaction(async (tx) => {
    // Tables arrive in name order, not foreign-key order: the checks (triggers) wait. Needs a superuser.
    await tx.exec("SET LOCAL session_replication_role = replica");
    const copied: CopiedTable[] = [];
    for (const table of tables) {
      await tx.exec(`DELETE FROM ${quote(table)}`);
      let after = "(0,0)";
      let rows = 0;
      for (;;) {
        // Pages in physical order (ctid), each row as JSON, so types round-trip through their text form.
        const page = await from.query<{ at: string; row: string }>(
          `SELECT ctid::text AS at, row_to_json(t)::text AS row FROM ${quote(table)} t
           WHERE ctid > $1::tid ORDER BY ctid LIMIT ${PAGE_ROWS}`,
          [after],
        );
        if (page.length === 0) break;
        await tx.query(
          `INSERT INTO ${quote(table)} SELECT * FROM json_populate_recordset(NULL::${quote(table)}, $1::json)`,
          [`[${page.map((r) => r.row).join(",")}]`],
        );
        rows += page.length;
        after = page[page.length - 1]!.at;
      }
      const [source] = await from.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table)}`);
      if (source!.n !== rows) throw new Error(`table ${table}: read ${rows} rows of ${source!.n}`);
      copied.push({ table, rows });
    }
    return copied;
  });
}
