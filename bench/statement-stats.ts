// What the database did per statement over stretches of a long run (bench/soak.ts --statements):
// pg_stat_statements read at moments of the run, and for two stretches (early, late) each
// statement's calls, mean time and blocks per call. A statement whose blocks per call grow is
// reading more as the data grows — a figure that holds however busy the machine is, unlike
// its time.
import pg from "pg";

/** Server settings for a cluster that keeps the statistics (fsync and commits as in production). */
export const STATEMENT_STATS_SETTINGS = [
  "shared_preload_libraries=pg_stat_statements",
  "pg_stat_statements.max=2000",
  "fsync=on",
  "synchronous_commit=on",
  "full_page_writes=on",
];

interface Totals {
  query: string;
  calls: number;
  totalMs: number;
  blocks: number;
}

export interface StatementSnapshot {
  at: number;
  byId: Map<string, Totals>;
}

export async function enableStatementStats(url: string): Promise<void> {
  await withClient(url, (client) => client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
}

export async function statementSnapshot(url: string): Promise<StatementSnapshot> {
  const { rows } = await withClient(url, (client) =>
    client.query<{ id: string; query: string; calls: string; total: number; blocks: string }>(
      `SELECT queryid::text AS id, query, calls::text, total_exec_time AS total,
              (shared_blks_hit + shared_blks_read)::text AS blocks
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    ),
  );
  const byId = new Map<string, Totals>();
  for (const r of rows)
    byId.set(r.id, { query: r.query, calls: Number(r.calls), totalMs: r.total, blocks: Number(r.blocks) });
  return { at: Date.now(), byId };
}

export interface StatementStretch {
  callsPerSecond: number;
  meanMs: number;
  blocksPerCall: number;
  totalMs: number;
}

export interface StatementGrowth {
  query: string;
  early: StatementStretch;
  late: StatementStretch;
}

/** Each statement's figures between two snapshots (statements not called in the stretch: zeros). */
function stretch(from: StatementSnapshot, to: StatementSnapshot, id: string): StatementStretch {
  const a = from.byId.get(id) ?? { calls: 0, totalMs: 0, blocks: 0 };
  const b = to.byId.get(id) ?? a;
  const calls = b.calls - a.calls;
  const totalMs = b.totalMs - a.totalMs;
  return {
    callsPerSecond: calls / ((to.at - from.at) / 1000),
    meanMs: calls > 0 ? totalMs / calls : 0,
    blocksPerCall: calls > 0 ? (b.blocks - a.blocks) / calls : 0,
    totalMs,
  };
}

/** The statements that took the most time in the late stretch, with the early stretch beside them. */
export function statementGrowth(
  early: [StatementSnapshot, StatementSnapshot],
  late: [StatementSnapshot, StatementSnapshot],
  top = 12,
): StatementGrowth[] {
  return [...late[1].byId.keys()]
    .map((id) => ({
      query: late[1].byId.get(id)!.query,
      early: stretch(early[0], early[1], id),
      late: stretch(late[0], late[1], id),
    }))
    .sort((x, y) => y.late.totalMs - x.late.totalMs)
    .slice(0, top);
}

export function formatStatementGrowth(rows: StatementGrowth[]): string {
  const f = (n: number, digits = 1) => n.toFixed(digits);
  return rows
    .map(
      ({ query, early, late }) =>
        `${f(late.totalMs / 1000).padStart(7)} s  calls/s ${f(early.callsPerSecond)} → ${f(late.callsPerSecond)}  ` +
        `mean ${f(early.meanMs, 2)} → ${f(late.meanMs, 2)} ms  blocks/call ${f(early.blocksPerCall)} → ${f(late.blocksPerCall)}\n` +
        `           ${query.replace(/\s+/g, " ").slice(0, 140)}`,
    )
    .join("\n");
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
