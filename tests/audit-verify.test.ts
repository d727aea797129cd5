// `npm run audit:verify` against tampering by someone with database rights: the
// append-only trigger switched off and rows changed with plain SQL.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { eventsOf, fileAndRoute, road } from "./support/cases.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

const root = path.resolve(import.meta.dirname, "..");

describe.each(BACKENDS)("audit verify on %s", (backend) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  /** As an attacker would: trigger off, change, trigger on. */
  async function tamper(sql: string, params: unknown[]) {
    await t.hub.db.sql.transaction(async (tx) => {
      await tx.exec(`ALTER TABLE "TicketEvent" DISABLE TRIGGER "TicketEvent_append_only"`);
      await tx.query(sql, params);
      await tx.exec(`ALTER TABLE "TicketEvent" ENABLE TRIGGER "TicketEvent_append_only"`);
    });
  }

  async function worked(text: string) {
    const ticket = await fileAndRoute(t.hub, text);
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:li");
    await t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已处理完毕" }, "staff:li");
    return ticket;
  }

  it("passes an untouched database", async () => {
    await worked(`东湖区${road()}路灯不亮`);
    const report = await verifyAuditTrail(t.hub.db.prisma);
    expect(report.problems).toEqual([]);
    expect(report.tickets).toBeGreaterThan(0);
    expect(report.events).toBeGreaterThanOrEqual(4);
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reports an edited event with its ticket and sequence number", async () => {
    const ticket = await worked(`西山区${road()}井盖丢了`);
    const [, , accepted] = await eventsOf(t.hub, ticket.id);
    await tamper(`UPDATE "TicketEvent" SET "actor" = 'staff:someone-else' WHERE "id" = $1`, [accepted!.id]);
    const report = await verifyAuditTrail(t.hub.db.prisma);
    expect(report.problems).toContainEqual(
      expect.objectContaining({
        ticketNumber: ticket.number,
        seq: 3,
        eventType: "accepted",
        problem: expect.stringContaining("content does not match its hash"),
      }),
    );
  });

  it("reports a removed last event (the chain itself still links up)", async () => {
    const ticket = await worked(`南湖区${road()}垃圾没人清运`);
    const events = await eventsOf(t.hub, ticket.id);
    await tamper(`DELETE FROM "TicketEvent" WHERE "id" = $1`, [events.at(-1)!.id]);
    const problems = (await verifyAuditTrail(t.hub.db.prisma)).problems.filter((p) => p.ticketId === ticket.id);
    expect(problems.map((p) => p.problem)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("events were removed or added"),
        expect.stringContaining('ticket status is "resolved" but its history says "accepted"'),
      ]),
    );
  });

  it("reports a ticket row changed behind the lifecycle's back", async () => {
    const ticket = await worked(`北城区${road()}暖气不热`);
    await t.hub.db.sql.query(`UPDATE "Ticket" SET "departmentCode" = 'GA', "text" = '改过的诉求' WHERE "id" = $1`, [
      ticket.id,
    ]);
    const problems = (await verifyAuditTrail(t.hub.db.prisma)).problems
      .filter((p) => p.ticketId === ticket.id)
      .map((p) => p.problem);
    expect(problems).toContain('ticket department is "GA" but its history says "ZJ"');
    expect(problems).toContain("ticket text was changed after it was filed");
  });

  it.runIf(backend === "postgresql")("is a command that prints each tampered ticket and exits 1", async () => {
    const ticket = await worked(`东湖区${road()}消防通道被堵`);
    const [, assigned] = await eventsOf(t.hub, ticket.id);
    await tamper(`UPDATE "TicketEvent" SET "note" = '悄悄改写' WHERE "id" = $1`, [assigned!.id]);
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/cases/audit-cli.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: await databaseUrlOf(t) },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      `TAMPERED ${ticket.number} event #2 (assigned): event chain broken: content does not match its hash`,
    );
    expect(result.stdout).toMatch(/FAILED: \d+ problem/);
  });
});

async function databaseUrlOf(t: TestHub): Promise<string> {
  const rows = await t.hub.db.sql.query<{ db: string }>("SELECT current_database() AS db");
  const url = new URL(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test");
  url.pathname = `/${rows[0]!.db}`;
  return url.toString();
}
