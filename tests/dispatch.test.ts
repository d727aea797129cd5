// The dispatch centre and the supervisors on real databases: 批量改派 through the same
// path as single actions (one refusal does not stop the others), 并案 suggestions from
// the duplicate finder (confirm = merge, dismiss = never again), and the 督办 history.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { whyTheyMatch } from "../src/cases/merge-suggestions.ts";
import { eventsOf, fileAndRoute, openTestTicket, road } from "./support/cases.ts";
import { EVERY_ROLE, staffClients } from "./support/staff-accounts.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

describe("whyTheyMatch (pure)", () => {
  it("says what the two tickets share, in Chinese", () => {
    const a = { district: "东湖区", places: ["人民路"], category: "street-light" };
    expect(whyTheyMatch(a, a, 0.624)).toBe("同在东湖区；都提到人民路；同一类别；文字相似度 62%");
    expect(whyTheyMatch({ district: null, places: [], category: null }, a, 0.4)).toBe("位置相近；文字相似度 40%");
  });
});

describe.each(BACKENDS)("dispatch centre and supervision on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestHub(backend);
    app = await buildApp(t.hub);
    Object.assign(tokens, (await staffClients(t.hub, app, EVERY_ROLE)).tokens);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, url: string) => app.inject({ method: "GET", url, headers: as(who) });
  const post = (who: string, url: string, payload: object) =>
    app.inject({ method: "POST", url, headers: as(who), payload });

  it("reassigns in bulk: each ticket on its own, one refusal does not stop the others", async () => {
    const a = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    const b = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    const closed = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    await t.hub.cases.actions.apply({ id: closed.id }, { type: "reject", reason: "不属于政务服务范围" }, "staff:x");
    const res = await post("dispatcher", "/api/staff/tickets/bulk-actions", {
      numbers: [a.number, closed.number, "GD20990101-000001", b.number],
      action: "reassign",
      departmentCode: "GA",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toEqual([
      { number: a.number, ok: true, status: "assigned" },
      expect.objectContaining({ number: closed.number, ok: false, statusCode: 409, error: expect.any(String) }),
      expect.objectContaining({ number: "GD20990101-000001", ok: false, statusCode: 404 }),
      { number: b.number, ok: true, status: "assigned" },
    ]);
    const rows = await t.hub.db.prisma.ticket.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.map((r) => r.departmentCode)).toEqual(["GA", "GA"]);
    expect((await eventsOf(t.hub, a.id)).at(-1)).toMatchObject({
      type: "reassigned",
      actor: "staff:dispatcher",
      note: "派单中心批量改派",
    });
    const audit = await t.hub.db.prisma.staffAudit.findMany({ where: { username: "dispatcher" } });
    expect(audit.filter((x) => x.action === "ticket_action")).toHaveLength(2);
    expect(audit.find((x) => x.action === "bulk_action")!.detail).toMatchObject({ ok: 2, failed: 2 });
  });

  it("applies the same role rules in bulk: department staff may not reassign", async () => {
    const mine = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    const res = await post("cg.zhang", "/api/staff/tickets/bulk-actions", {
      numbers: [mine.number],
      action: "reassign",
      departmentCode: "GA",
    });
    expect(res.json().results).toEqual([expect.objectContaining({ number: mine.number, ok: false, statusCode: 403 })]);
    const tooMany = Array.from({ length: 101 }, (_, i) => `GD20990101-${String(i).padStart(6, "0")}`);
    expect(
      (
        await post("dispatcher", "/api/staff/tickets/bulk-actions", {
          numbers: tooMany,
          action: "reassign",
          departmentCode: "GA",
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await post("dispatcher", "/api/staff/tickets/bulk-actions", {
          numbers: [mine.number],
          action: "close",
          departmentCode: "GA",
        })
      ).statusCode,
    ).toBe(400);
  });

  /** Two open complaints about one road, both routed without routing merging them (the earlier one assigned by hand). */
  async function pair() {
    const where = road();
    const text = `东湖区${where}的路灯坏了好几天了，晚上很黑`;
    const earlier = await openTestTicket(t.hub, text, {
      district: "东湖区",
      category: "street-light",
    });
    const later = await fileAndRoute(t.hub, `东湖区${where}路灯坏了好几天，晚上一片漆黑`);
    await t.hub.cases.actions.apply(
      { id: earlier.id },
      {
        type: "assign",
        departmentCode: "CG",
        note: "人工分派",
        category: "street-light",
        district: "东湖区",
        places: t.hub.cases.duplicates.placesOf(text),
      },
      "staff:dispatcher",
    );
    expect(later.status).toBe("assigned");
    return { earlier, later };
  }

  it("suggests merging a later complaint into the earlier case; dismissing keeps them apart for good", async () => {
    const { earlier, later } = await pair();
    expect((await get("cg.zhang", "/api/staff/merge-suggestions")).statusCode).toBe(403);
    const res = await get("dispatcher", "/api/staff/merge-suggestions");
    expect(res.statusCode, res.body).toBe(200);
    const suggestion = res.json().suggestions.find((s: { childNumber: string }) => s.childNumber === later.number);
    expect(suggestion).toMatchObject({ parentNumber: earlier.number, why: expect.stringContaining("同在东湖区") });
    expect(suggestion.score).toBeGreaterThanOrEqual(0.3);
    expect(
      res.json().suggestions.find((s: { childNumber: string }) => s.childNumber === earlier.number),
    ).toBeUndefined();

    const dismissed = await post("supervisor", "/api/staff/merge-suggestions/dismiss", {
      childNumber: later.number,
      parentNumber: earlier.number,
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    const after = (await get("dispatcher", "/api/staff/merge-suggestions")).json().suggestions;
    expect(after.map((s: { childNumber: string }) => s.childNumber)).not.toContain(later.number);
    expect(
      (
        await post("cg.zhang", "/api/staff/merge-suggestions/dismiss", {
          childNumber: later.number,
          parentNumber: earlier.number,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await post("dispatcher", "/api/staff/merge-suggestions/dismiss", {
          childNumber: later.number,
          parentNumber: "GD20990101-000001",
        })
      ).statusCode,
    ).toBe(404);
  });

  it("confirms a suggestion with the merge action; a merged ticket is no longer suggested", async () => {
    const { earlier, later } = await pair();
    const merged = await post("dispatcher", `/api/staff/tickets/${later.number}/actions`, {
      action: "merge",
      parentNumber: earlier.number,
      reason: "同一路段路灯故障",
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ status: "merged", parentNumber: earlier.number });
    const after = (await get("admin", "/api/staff/merge-suggestions?limit=100")).json().suggestions;
    expect(after.map((s: { childNumber: string }) => s.childNumber)).not.toContain(later.number);
  });

  it("lists every 督办, a supervisor's and the deadline's, newest first, for supervisors and admins only", async () => {
    const manual = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    const automatic = await fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);
    await post("supervisor", `/api/staff/tickets/${manual.number}/actions`, {
      action: "supervise",
      note: "请尽快处理",
    });
    await t.hub.cases.actions.apply(
      { id: automatic.id },
      { type: "escalate", deadlineAt: automatic.deadlineAt! },
      "system:timer",
    );
    for (const who of ["dispatcher", "cg.zhang"])
      expect((await get(who, "/api/staff/supervision")).statusCode).toBe(403);
    const res = await get("supervisor", "/api/staff/supervision?limit=2");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBeGreaterThanOrEqual(2);
    expect(body.items).toEqual([
      expect.objectContaining({
        ticketNumber: automatic.number,
        kind: "automatic",
        actor: "system:timer",
        overdue: true,
      }),
      expect.objectContaining({
        ticketNumber: manual.number,
        kind: "manual",
        note: "请尽快处理",
        actor: "staff:supervisor",
        departmentCode: "CG",
      }),
    ]);
    const next = (await get("admin", "/api/staff/supervision?limit=1&offset=1")).json();
    expect(next.items[0].ticketNumber).toBe(manual.number);
  });
});
