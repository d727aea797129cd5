// The workbench's actions (issue 12) on real databases: 退单 with a reason code, 办结
// straight from 签收, 延期申请 and its approval (the deadline moves, on the record,
// audit:verify still passes) or refusal, 督办 with a notice to the department, and
// allowedActions — the one list the workbench's buttons read.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { timerJobId } from "../src/cases/deadline-timers.ts";
import { localDate, nextDay } from "../src/calendar/zoned-days.ts";
import { allowedActions } from "../src/staff/allowed-actions.ts";
import type { StaffPrincipal } from "../src/staff/roles.ts";
import type { TicketState } from "../src/tickets/lifecycle.ts";
import { eventsOf, fileAndRoute, road } from "./support/cases.ts";
import { EVERY_ROLE, staffClients } from "./support/staff-accounts.ts";
import { BACKENDS, startTestHub, type TestHub } from "./support/test-env.ts";

describe("allowedActions (pure)", () => {
  const now = new Date("2026-12-07T04:00:00Z");
  const ctx = { now, reopenWindowDays: 15 };
  const who = (role: StaffPrincipal["role"], departmentCode: string | null = null): StaffPrincipal => ({
    id: "x",
    username: role,
    displayName: role,
    role,
    departmentCode,
  });
  const ticket = (over: Partial<TicketState> = {}): TicketState => ({
    status: "assigned",
    departmentCode: "CG",
    parentId: null,
    resolvedAt: null,
    remindersSent: 0,
    overdue: false,
    deadlineAt: new Date("2026-12-10T16:00:00Z"),
    clockRunning: true,
    extensionRequestedUntil: null,
    ...over,
  });

  it("gives the handling department its own work, and another department nothing", () => {
    expect(allowedActions(who("staff", "CG"), ticket(), ctx)).toEqual([
      "accept",
      "transfer",
      "return",
      "note",
      "request_extension",
    ]);
    expect(allowedActions(who("staff", "CG"), ticket({ status: "accepted" }), ctx)).toEqual(
      expect.arrayContaining(["start", "resolve", "suspend", "return", "transfer", "request_extension"]),
    );
    expect(allowedActions(who("staff", "GA"), ticket(), ctx)).toEqual([]);
  });

  it("follows the extension rules: one pending request, decided by a supervisor", () => {
    const pending = ticket({ extensionRequestedUntil: new Date("2026-12-15T16:00:00Z") });
    expect(allowedActions(who("staff", "CG"), pending, ctx)).not.toContain("request_extension");
    expect(allowedActions(who("supervisor"), pending, ctx)).toEqual(
      expect.arrayContaining(["approve_extension", "refuse_extension", "supervise"]),
    );
    expect(allowedActions(who("supervisor"), ticket(), ctx)).not.toContain("approve_extension");
    // A paused clock (挂起) has nothing to extend.
    expect(allowedActions(who("staff", "CG"), ticket({ status: "suspended", clockRunning: false }), ctx)).toEqual([
      "resume",
      "note",
    ]);
  });

  it("reads the states: dispatch queue, finished tickets and the dispute window", () => {
    expect(allowedActions(who("dispatcher"), ticket({ status: "returned", departmentCode: "RX" }), ctx)).toEqual([
      "reassign",
      "reject",
      "merge",
      "note",
    ]);
    const resolved = ticket({ status: "resolved", clockRunning: false, resolvedAt: new Date("2026-12-01T00:00:00Z") });
    expect(allowedActions(who("supervisor"), resolved, ctx)).toEqual(["reopen", "close", "note"]);
    const old = { ...resolved, resolvedAt: new Date("2026-11-01T00:00:00Z") };
    expect(allowedActions(who("supervisor"), old, ctx)).toEqual(["close", "note"]);
    expect(allowedActions(who("admin"), ticket({ status: "closed", clockRunning: false }), ctx)).toEqual([
      "reopen",
      "note",
    ]);
  });
});

describe.each(BACKENDS)("workbench actions on %s", (backend) => {
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
  const act = (who: string, number: string, payload: object) =>
    app.inject({ method: "POST", url: `/api/staff/tickets/${number}/actions`, headers: as(who), payload });
  const light = () => fileAndRoute(t.hub, `东湖区${road()}路灯坏了`);

  /** A working day (local) at least two days after the ticket's deadline. */
  function laterWorkingDay(deadline: Date): string {
    const calendar = t.hub.cases.knowledge().calendar;
    let day = nextDay(nextDay(localDate(deadline, t.hub.config.timeZone)));
    while (!calendar.isWorkingDay(day)) day = nextDay(day);
    return day;
  }

  it("records the return reason code, and needs free text only for 其他", async () => {
    const ticket = await light();
    const bad = await act("cg.zhang", ticket.number, { action: "return", reasonCode: "nope" });
    expect(bad.statusCode).toBe(400);
    const res = await act("cg.zhang", ticket.number, { action: "return", reasonCode: "wrong_area" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe("returned");
    const event = (await eventsOf(t.hub, ticket.id)).at(-1)!;
    expect(event).toMatchObject({ type: "returned", note: "属地不符" });
    expect(event.data).toMatchObject({ reasonCode: "wrong_area", reasonLabel: "属地不符", fromDepartment: "CG" });

    const other = await light();
    const withText = await act("cg.zhang", other.number, { action: "return", reasonCode: "other", reason: "重复件" });
    expect(withText.statusCode).toBe(200);
    expect((await eventsOf(t.hub, other.id)).at(-1)!.note).toBe("其他：重复件");
  });

  it("resolves straight from accepted (签收 → 办结)", async () => {
    const ticket = await light();
    expect((await act("cg.zhang", ticket.number, { action: "accept" })).statusCode).toBe(200);
    const res = await act("cg.zhang", ticket.number, { action: "resolve", reply: "已修复路灯。" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "resolved", allowedActions: ["note"] });
  });

  it("shows the workbench fields on the detail, and 404 to another department", async () => {
    const ticket = await light();
    const res = await get("cg.zhang", `/api/staff/tickets/${ticket.number}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      allowedActions: ["accept", "transfer", "return", "note", "request_extension"],
      pendingExtension: null,
      attachments: [],
      category: "street-light",
      district: "东湖区",
      channel: "webchat",
      places: expect.any(Array),
    });
    expect(body.workingSecondsLeft).toBeGreaterThan(0);
    expect((await get("ga.li", `/api/staff/tickets/${ticket.number}`)).statusCode).toBe(404);
    expect((await get("supervisor", `/api/staff/tickets/${ticket.number}`)).json().allowedActions).toEqual([
      "reassign",
      "reject",
      "merge",
      "note",
      "supervise",
    ]);
  });

  it("approves an extension: the deadline moves to the end of the day granted, on the record, and audit:verify passes", async () => {
    const ticket = await light();
    const before = ticket.deadlineAt!;
    const day = laterWorkingDay(before);
    const endOfDay = t.hub.cases.knowledge().calendar.endOfWorkingDay(day)!;

    expect(
      (await act("supervisor", ticket.number, { action: "request_extension", reason: "x", newDeadline: day }))
        .statusCode,
    ).toBe(403);
    const tooEarly = await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "需协调施工",
      newDeadline: localDate(new Date(before.getTime() - 24 * 3600_000), t.hub.config.timeZone),
    });
    expect(tooEarly.statusCode).toBe(400);
    const requested = await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "需协调施工单位",
      newDeadline: day,
    });
    expect(requested.statusCode, requested.body).toBe(200);
    expect(requested.json().pendingExtension).toMatchObject({
      reason: "需协调施工单位",
      newDeadline: day,
      newDeadlineAt: endOfDay.toISOString(),
      requestedBy: "staff:cg.zhang",
    });
    expect(requested.json().deadlineAt).toBe(before.toISOString());
    expect(requested.json().allowedActions).not.toContain("request_extension");
    const again = await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "再延",
      newDeadline: day,
    });
    expect(again.statusCode).toBe(409);
    expect((await act("cg.zhang", ticket.number, { action: "approve_extension" })).statusCode).toBe(403);

    const approved = await act("supervisor", ticket.number, { action: "approve_extension", note: "同意" });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ deadlineAt: endOfDay.toISOString(), pendingExtension: null });
    const event = (await eventsOf(t.hub, ticket.id)).at(-1)!;
    expect(event).toMatchObject({ type: "extension_approved", actor: "staff:supervisor", note: "同意" });
    expect(event.data).toMatchObject({
      oldDeadlineAt: before.toISOString(),
      newDeadlineAt: endOfDay.toISOString(),
      deadlineAt: endOfDay.toISOString(),
    });

    // Pause and resume at once: the clock's budget was recomputed, so the deadline holds.
    await act("cg.zhang", ticket.number, { action: "accept" });
    await act("cg.zhang", ticket.number, { action: "suspend", reason: "等待群众补充照片" });
    const resumed = await act("cg.zhang", ticket.number, { action: "resume" });
    const moved = new Date(resumed.json().deadlineAt).getTime();
    expect(Math.abs(moved - endOfDay.getTime())).toBeLessThan(10_000);

    const report = await verifyAuditTrail(t.hub.db.prisma);
    expect(report.problems).toEqual([]);
  });

  it("refuses an extension: the deadline stays and the request is gone", async () => {
    const ticket = await light();
    const day = laterWorkingDay(ticket.deadlineAt!);
    await act("cg.zhang", ticket.number, { action: "request_extension", reason: "人手不足", newDeadline: day });
    const refused = await act("admin", ticket.number, { action: "refuse_extension", note: "请按期办结" });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ deadlineAt: ticket.deadlineAt!.toISOString(), pendingExtension: null });
    expect((await eventsOf(t.hub, ticket.id)).at(-1)).toMatchObject({ type: "extension_refused", note: "请按期办结" });
    expect((await act("supervisor", ticket.number, { action: "refuse_extension" })).statusCode).toBe(409);
  });

  it("refuses a day that is not a working day, and drops a pending request when the ticket is transferred", async () => {
    const ticket = await light();
    const calendar = t.hub.cases.knowledge().calendar;
    let holiday = nextDay(laterWorkingDay(ticket.deadlineAt!));
    while (calendar.isWorkingDay(holiday)) holiday = nextDay(holiday);
    const res = await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "x",
      newDeadline: holiday,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("not a working day");

    await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "需现场核查",
      newDeadline: laterWorkingDay(ticket.deadlineAt!),
    });
    await act("cg.zhang", ticket.number, { action: "transfer", departmentCode: "GA", reason: "归公安" });
    const row = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row).toMatchObject({ departmentCode: "GA", extensionRequestedUntil: null, extensionReason: null });
  });

  it("approving an overdue ticket's extension lifts the overdue mark and plans the breach timer again", async () => {
    const ticket = await light();
    const actions = t.hub.cases.actions;
    await actions.apply({ id: ticket.id }, { type: "escalate", deadlineAt: ticket.deadlineAt! }, "system:timer");
    await act("cg.zhang", ticket.number, {
      action: "request_extension",
      reason: "材料需补正",
      newDeadline: laterWorkingDay(ticket.deadlineAt!),
    });
    const queue = t.hub.queues.get("deadlines")!;
    expect(await queue.getJob(timerJobId(ticket.id, "breach"))).toBeUndefined();
    const approved = await act("supervisor", ticket.number, { action: "approve_extension" });
    expect(approved.json().overdue).toBe(false);
    const row = await t.hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.overdueAt).toBeNull();
    // The timers were synced from the new row: the breach (督办) waits for the new deadline.
    const breach = await queue.getJob(timerJobId(ticket.id, "breach"));
    expect(breach?.data.dueAt).toBe(row.deadlineAt!.getTime());
  });

  it("督办: an event on the record and a notice to the handling department", async () => {
    const ticket = await light();
    expect((await act("cg.zhang", ticket.number, { action: "supervise", note: "抓紧" })).statusCode).toBe(403);
    expect((await act("supervisor", ticket.number, { action: "supervise" })).statusCode).toBe(400);
    const res = await act("supervisor", ticket.number, { action: "supervise", note: "群众多次来电，请今日回复" });
    expect(res.statusCode, res.body).toBe(200);
    expect((await eventsOf(t.hub, ticket.id)).at(-1)).toMatchObject({
      type: "supervised",
      actor: "staff:supervisor",
      note: "群众多次来电，请今日回复",
    });
    const notices = (await get("cg.zhang", "/api/staff/notices")).json().notices;
    expect(notices).toContainEqual(
      expect.objectContaining({
        kind: "supervision",
        ticketNumber: ticket.number,
        text: expect.stringContaining("督办"),
      }),
    );
    expect((await get("ga.li", "/api/staff/notices")).json().notices).not.toContainEqual(
      expect.objectContaining({ ticketNumber: ticket.number }),
    );
  });
});
