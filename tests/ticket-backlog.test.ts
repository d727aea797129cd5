// What keeps requests from growing with the open tickets (issue 16's soak): the staff
// list's count stops at a cap, its page is walked from an index, and the 并案 search's
// place index has no pending list that every search would read whole; a transition of a
// few tickets looks each up by id rather than scanning the table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countTickets, findTickets } from "../src/cases/ticket-queries.ts";
import { type TransitionWrite, transitionStatement } from "../src/cases/ticket-writes.ts";
import type { Database } from "../src/db/database.ts";
import { seedTickets } from "./support/ticket-seed.ts";
import { BACKENDS, openMigratedTestDatabase } from "./support/test-env.ts";

describe.each(BACKENDS)("the staff list's count on %s", (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase(backend));
    const at = new Date("2026-03-02T02:00:00Z");
    await seedTickets(db.prisma, [
      ...Array.from({ length: 12 }, (_, i) => ({ createdAt: new Date(at.getTime() + i * 1000) })),
      { createdAt: at, departmentCode: "GA" },
    ]);
  });
  afterAll(async () => {
    await close();
  });

  it("counts every match up to the cap, and says when there are more", async () => {
    const cg = { statuses: ["assigned"], departmentCode: "CG" };
    expect(await countTickets(db.prisma, cg)).toEqual({ total: 12, capped: false });
    expect(await countTickets(db.prisma, cg, 12)).toEqual({ total: 12, capped: false });
    expect(await countTickets(db.prisma, cg, 5)).toEqual({ total: 5, capped: true });
    expect(await countTickets(db.prisma, { departmentCode: "GA" }, 5)).toEqual({ total: 1, capped: false });
    const page = await findTickets(db.prisma, { ...cg, limit: 2 });
    expect(page.map((t) => t.createdAt.getTime())).toEqual([
      new Date("2026-03-02T02:00:11Z").getTime(),
      new Date("2026-03-02T02:00:10Z").getTime(),
    ]);
  });
});

describe("query plans over a backlog of open tickets (PostgreSQL)", () => {
  let db: Database;
  let close: (() => Promise<void>) | undefined;
  const OPEN = 10_000;

  beforeAll(async () => {
    ({ db, close } = await openMigratedTestDatabase("postgresql"));
    await db.sql.query(`INSERT INTO "Conversation" ("id", "channel", "channelUserId") VALUES ('c', 'webchat', 'u')`);
    // One statement, as the tickets of a busy half hour: most in one department, each naming a road of its own.
    await db.sql.query(
      `INSERT INTO "Ticket" ("id", "number", "status", "kind", "text", "departmentCode", "channel", "channelUserId",
         "conversationId", "sourceMessageId", "createdAt", "updatedAt", "district", "places")
       SELECT 't' || i, 'GD20261101-' || lpad(i::text, 6, '0'), CASE WHEN i % 4 = 0 THEN 'accepted' ELSE 'assigned' END,
         'complaint', '投诉：东湖区第' || i || '号路路灯坏了', CASE WHEN i % 3 = 0 THEN 'GA' ELSE 'CG' END, 'webchat', 'u',
         'c', 'm' || i, now() - i * interval '1 second', now(), '东湖区', ARRAY['第' || i || '号路']
       FROM generate_series(1, $1::int) AS i`,
      [OPEN],
    );
    await db.sql.query(`ANALYZE "Ticket"`);
  });
  afterAll(async () => {
    await close?.();
  });

  async function plan(sql: string): Promise<string> {
    const rows = await db.sql.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  it("walks a department's newest tickets of a status from an index, without sorting them all", async () => {
    const text = await plan(
      `SELECT * FROM "Ticket" WHERE "status" IN ('assigned') AND "departmentCode" = 'CG'
       ORDER BY "createdAt" DESC, "number" DESC LIMIT 1`,
    );
    expect(text).toContain("Ticket_departmentCode_status_createdAt_number_idx");
    expect(text).not.toMatch(/\bSort\b/);
  });

  it("finds tickets by place through the index alone, with no pending list to read", async () => {
    const [index] = await db.sql.query<{ reloptions: string[] | null }>(
      `SELECT reloptions FROM pg_class WHERE relname = 'Ticket_places_idx'`,
    );
    expect(index!.reloptions).toContain("fastupdate=off");
    // Ten thousand tickets just written (no vacuum since): a lookup still reads a handful of pages.
    const text = await plan(
      `SELECT * FROM "Ticket" WHERE "places" && ARRAY['第123456号路'] AND "status" IN ('assigned', 'accepted')`,
    );
    expect(text).toContain("Ticket_places_idx");
    const buffers = [...text.matchAll(/Buffers: shared hit=(\d+)(?: read=(\d+))?/g)][0]!;
    expect(Number(buffers[1]) + Number(buffers[2] ?? 0)).toBeLessThan(20);
  });

  it("writes a few tickets' transitions by looking each up by id, not by scanning every ticket", async () => {
    const writes: TransitionWrite[] = ["t101", "t102"].map((ticketId, i) => ({
      ticketId,
      set: { status: "accepted", acceptedAt: new Date("2026-03-02T03:00:00Z") },
      incrementReopenCount: false,
      event: {
        id: `plan-event-${i}`,
        ticketId,
        seq: 99,
        type: "accepted",
        actor: "staff:plan",
        note: null,
        data: {},
        createdAt: new Date("2026-03-02T03:00:00Z"),
        contentHash: "c",
        prevHash: "p",
        hash: `h${i}`,
        purgedAt: null,
      },
    }));
    const statement = transitionStatement(writes);
    // Run under EXPLAIN ANALYZE (so with the parameters' values, as the driver sends them), then rolled back.
    const text = await db.sql
      .transaction(async (tx) => {
        const rows = await tx.query<{ "QUERY PLAN": string }>(
          `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${statement.text}`,
          statement.values,
        );
        throw Object.assign(new Error("rollback"), { plan: rows.map((r) => r["QUERY PLAN"]).join("\n") });
      })
      .catch((error: { plan?: string }) => {
        if (error.plan === undefined) throw error;
        return error.plan;
      });
    expect(text).toMatch(/Index Scan using "Ticket_pkey"/);
    expect(text).not.toMatch(/Seq Scan on "Ticket"/);
  });
});
