// The lifecycle as a pure state machine: every path, and what is refused.
import { describe, expect, it } from "vitest";
import { decide, type LifecycleContext, type TicketAction, type TicketState } from "../src/tickets/lifecycle.ts";
import type { TicketStatus } from "../src/tickets/ticket-status.ts";

const now = new Date("2026-11-23T02:00:00Z");
const ctx: LifecycleContext = {
  now,
  dispatcher: "RX",
  departments: new Set(["RX", "CG", "GA"]),
  reopenWindowDays: 15,
  lowRating: "reopen",
};

function state(status: TicketStatus, extra: Partial<TicketState> = {}): TicketState {
  return { status, departmentCode: "CG", parentId: null, resolvedAt: null, remindersSent: 0, overdue: false, ...extra };
}

function to(status: TicketStatus, action: TicketAction, c: LifecycleContext = ctx) {
  const decision = decide(state(status), action, c);
  if (!decision.ok) throw new Error(decision.message);
  return decision.transition;
}

describe("ticket lifecycle", () => {
  it("follows the main path: submitted → assigned → accepted → in_progress → resolved → closed", () => {
    expect(to("submitted", { type: "assign", departmentCode: "CG", note: "按规则分派" }).to).toBe("assigned");
    expect(to("assigned", { type: "accept" })).toMatchObject({ to: "accepted", citizenNotice: "accepted" });
    expect(to("accepted", { type: "start" }).to).toBe("in_progress");
    const resolved = to("in_progress", { type: "resolve", reply: "路灯已修复" });
    expect(resolved).toMatchObject({
      to: "resolved",
      clock: "stop",
      citizenNotice: "resolved",
      changes: { resolution: "路灯已修复" },
    });
    expect(to("resolved", { type: "rate", rating: 5 })).toMatchObject({ to: "closed", changes: { rating: 5 } });
    expect(to("resolved", { type: "close" }).to).toBe("closed");
  });

  it("records where each transition came from and leads to", () => {
    expect(to("assigned", { type: "accept" }).event).toMatchObject({
      type: "accepted",
      data: { from: "assigned", to: "accepted" },
    });
  });

  it("takes every side path with its reason", () => {
    expect(to("accepted", { type: "transfer", departmentCode: "GA", reason: "属治安问题" })).toMatchObject({
      to: "assigned",
      clock: "keep",
      event: { type: "transferred", note: "属治安问题", data: { departmentCode: "GA", fromDepartment: "CG" } },
    });
    expect(to("assigned", { type: "return", reasonCode: "other", reason: "非本部门职责" })).toMatchObject({
      to: "returned",
      changes: { departmentCode: "RX" },
    });
    expect(to("returned", { type: "reassign", departmentCode: "GA", reason: "改派公安" }).to).toBe("assigned");
    expect(to("returned", { type: "reject", reason: "属民事纠纷，不属政府职责" })).toMatchObject({
      to: "rejected",
      citizenNotice: "rejected",
    });
    expect(to("in_progress", { type: "suspend", reason: "请提供具体位置" })).toMatchObject({
      to: "suspended",
      clock: "pause",
    });
    expect(to("suspended", { type: "resume" })).toMatchObject({ to: "in_progress", clock: "resume" });
    expect(to("closed", { type: "reopen", reason: "路灯仍不亮" })).toMatchObject({
      to: "assigned",
      clock: "restart",
      changes: { reopenCountIncrement: true },
    });
    expect(
      to("assigned", { type: "merge", parentId: "p1", parentNumber: "GD20261122-000001", reason: "同一问题" }),
    ).toMatchObject({
      to: "merged",
      changes: { parentId: "p1" },
    });
  });

  it("resumes a suspended ticket when the citizen supplies what was asked", () => {
    expect(to("suspended", { type: "supplement", content: { kind: "text", text: "在人民路100号" } })).toMatchObject({
      to: "in_progress",
      clock: "resume",
    });
    expect(
      to("in_progress", { type: "supplement", content: { kind: "image", url: "https://example.org/a.jpg" } }).to,
    ).toBe("in_progress");
  });

  it("reopens on a poor rating, or sends it to review when so configured", () => {
    expect(to("resolved", { type: "rate", rating: 2, comment: "没修好" })).toMatchObject({
      to: "assigned",
      citizenNotice: "reopened",
    });
    expect(to("resolved", { type: "rate", rating: 1 }, { ...ctx, lowRating: "review" })).toMatchObject({
      to: "review",
      staffAlert: "review",
    });
    expect(to("resolved", { type: "rate", rating: 3 }).to).toBe("closed");
  });

  it.each<[TicketStatus, TicketAction]>([
    ["submitted", { type: "accept" }],
    ["assigned", { type: "resolve", reply: "已处理" }],
    ["closed", { type: "accept" }],
    ["resolved", { type: "suspend", reason: "x" }],
    ["rejected", { type: "reopen", reason: "x" }],
    ["merged", { type: "resolve", reply: "x" }],
    ["in_progress", { type: "rate", rating: 5 }],
    ["resolved", { type: "transfer", departmentCode: "GA", reason: "x" }],
  ])("refuses to act on a %s ticket with %o", (status, action) => {
    const decision = decide(state(status), action, ctx);
    expect(decision).toMatchObject({ ok: false, kind: "conflict" });
  });

  it("requires a reason on side paths and a reply to resolve", () => {
    expect(decide(state("assigned"), { type: "return", reasonCode: "other", reason: "  " }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
    });
    expect(decide(state("accepted"), { type: "resolve", reply: "" }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
    });
    expect(decide(state("accepted"), { type: "transfer", departmentCode: "NOPE", reason: "x" }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
    });
    expect(decide(state("accepted"), { type: "transfer", departmentCode: "CG", reason: "x" }, ctx)).toMatchObject({
      ok: false,
      kind: "conflict",
    });
    expect(decide(state("resolved"), { type: "rate", rating: 6 }, ctx)).toMatchObject({ ok: false, kind: "invalid" });
  });

  it("lets a citizen dispute the result only within the window", () => {
    const resolvedAt = new Date(now.getTime() - 16 * 24 * 3600 * 1000);
    expect(decide(state("closed", { resolvedAt }), { type: "reopen", reason: "没解决" }, ctx)).toMatchObject({
      ok: false,
      kind: "conflict",
    });
    const recent = new Date(now.getTime() - 3 * 24 * 3600 * 1000);
    expect(decide(state("closed", { resolvedAt: recent }), { type: "reopen", reason: "没解决" }, ctx).ok).toBe(true);
  });

  it("sends each reminder once and marks a ticket overdue once", () => {
    expect(decide(state("accepted", { remindersSent: 1 }), { type: "remind", level: 1, percent: 50 }, ctx).ok).toBe(
      false,
    );
    expect(to("accepted", { type: "remind", level: 1, percent: 50 })).toMatchObject({
      to: "accepted",
      staffAlert: "reminder",
      changes: { remindersSent: 1 },
    });
    expect(decide(state("in_progress", { overdue: true }), { type: "escalate", deadlineAt: now }, ctx).ok).toBe(false);
    expect(decide(state("suspended"), { type: "escalate", deadlineAt: now }, ctx).ok).toBe(false);
    // Once overdue, a late reminder is moot.
    expect(to("accepted", { type: "escalate", deadlineAt: now }).changes).toMatchObject({
      overdue: true,
      remindersSent: 2,
    });
    expect(decide(state("accepted", { overdue: true }), { type: "remind", level: 2, percent: 80 }, ctx).ok).toBe(false);
  });

  it("keeps internal notes as events without changing the state", () => {
    expect(to("closed", { type: "note", text: "已电话回访" })).toMatchObject({
      from: "closed",
      to: "closed",
      event: { type: "note", note: "已电话回访" },
    });
  });
});

describe("suggestions (建言) and praise (表扬)", () => {
  const suggestion = (status: TicketStatus) => state(status, { kind: "suggestion" });
  const praise = (status: TicketStatus) => state(status, { kind: "praise" });

  it("resolves a suggestion with its verdict, recorded on the ticket and the event, and asks for a rating", () => {
    const decision = decide(
      suggestion("in_progress"),
      { type: "resolve", verdict: "partially_adopted", reply: "增设停放点已列入明年计划，其余暂不具备条件" },
      ctx,
    );
    expect(decision).toMatchObject({
      ok: true,
      transition: {
        to: "resolved",
        clock: "stop",
        citizenNotice: "resolved",
        event: { type: "resolved", data: { verdict: "partially_adopted", verdictLabel: "部分采纳" } },
        changes: { verdict: "partially_adopted", resolution: "增设停放点已列入明年计划，其余暂不具备条件" },
      },
    });
    expect(decision.ok && decision.transition.changes.ratingRequestedAt).toEqual(now);
  });

  it("refuses to resolve a suggestion without a verdict, or with an unknown one (400)", () => {
    expect(decide(suggestion("accepted"), { type: "resolve", reply: "感谢建议" }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
      message: expect.stringContaining("verdict"),
    });
    const unknown = { type: "resolve", reply: "x", verdict: "maybe" } as unknown as TicketAction;
    expect(decide(suggestion("accepted"), unknown, ctx)).toMatchObject({ ok: false, kind: "invalid" });
    expect(decide(suggestion("accepted"), { type: "resolve", verdict: "adopted" }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
      message: expect.stringContaining("reply"),
    });
  });

  it("refuses a verdict on any other kind of ticket (400)", () => {
    for (const kind of ["complaint", "help", "praise"] as const) {
      expect(
        decide(state("accepted", { kind }), { type: "resolve", reply: "已处理", verdict: "adopted" }, ctx),
      ).toMatchObject({ ok: false, kind: "invalid", message: expect.stringContaining("only for suggestions") });
    }
    // A ticket without a kind is a complaint.
    expect(decide(state("accepted"), { type: "resolve", reply: "已处理", verdict: "adopted" }, ctx)).toMatchObject({
      ok: false,
      kind: "invalid",
    });
  });

  it("runs no clock for praise and tells the citizen nothing more", () => {
    expect(
      decide(praise("submitted"), { type: "assign", departmentCode: "CG", note: "按表扬对象分派" }, ctx),
    ).toMatchObject({
      ok: true,
      transition: { to: "assigned", clock: "none" },
    });
    const accepted = decide(praise("assigned"), { type: "accept" }, ctx);
    expect(accepted.ok && accepted.transition.citizenNotice).toBeUndefined();
  });

  it("acknowledges praise by 办结 straight from 待签收, reply optional, closed without a rating request", () => {
    const decision = decide(praise("assigned"), { type: "resolve" }, ctx);
    expect(decision).toMatchObject({ ok: true, transition: { to: "closed", clock: "none" } });
    if (!decision.ok) return;
    expect(decision.transition.citizenNotice).toBeUndefined();
    expect(decision.transition.changes).toMatchObject({ resolvedAt: now, closedAt: now, resolution: null });
    expect(decision.transition.changes.ratingRequestedAt).toBeUndefined();
    expect(decide(praise("accepted"), { type: "resolve", reply: "已转达王姐本人" }, ctx)).toMatchObject({
      ok: true,
      transition: { to: "closed", changes: { resolution: "已转达王姐本人" } },
    });
    // Other kinds still need 签收 first.
    expect(decide(suggestion("assigned"), { type: "resolve", reply: "x", verdict: "adopted" }, ctx)).toMatchObject({
      ok: false,
      kind: "conflict",
    });
  });
});
