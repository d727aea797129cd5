// The workbench's pure rules: the lifecycle's new actions (退单 reason codes, 延期申请
// and its decision, 督办), the deadline clock's "extend", and the audit replay of a
// moved deadline. No database: the HTTP and database side is tests/workbench-actions.test.ts.
import { describe, expect, it } from "vitest";
import { WorkingCalendar } from "../src/calendar/working-calendar.ts";
import { type ClockState, DeadlineClock } from "../src/deadlines/deadline-clock.ts";
import { decide, type LifecycleContext, type TicketAction, type TicketState } from "../src/tickets/lifecycle.ts";
import { replayEvents } from "../src/tickets/replay-events.ts";

const TZ = "Asia/Shanghai";
const bj = (local: string) => new Date(`${local}+08:00`);
const now = bj("2026-12-07T10:00:00"); // a Monday
const ctx: LifecycleContext = {
  now,
  dispatcher: "RX",
  departments: new Set(["RX", "CG", "GA"]),
  reopenWindowDays: 15,
  lowRating: "reopen",
};
const deadline = bj("2026-12-10T10:00:00");

function state(extra: Partial<TicketState> = {}): TicketState {
  return {
    status: "accepted",
    departmentCode: "CG",
    parentId: null,
    resolvedAt: null,
    remindersSent: 0,
    overdue: false,
    deadlineAt: deadline,
    clockRunning: true,
    extensionRequestedUntil: null,
    ...extra,
  };
}

function decideOn(s: TicketState, action: TicketAction) {
  return decide(s, action, ctx);
}

describe("lifecycle: the workbench's actions", () => {
  it("returns with a reason code; free text only required for 其他", () => {
    const ok = decideOn(state(), { type: "return", reasonCode: "incomplete" });
    expect(ok).toMatchObject({
      ok: true,
      transition: { to: "returned", event: { note: "信息不全", data: { reasonCode: "incomplete" } } },
    });
    expect(decideOn(state(), { type: "return", reasonCode: "other" })).toMatchObject({ ok: false, kind: "invalid" });
    expect(decideOn(state(), { type: "return", reasonCode: "bogus" as never })).toMatchObject({
      ok: false,
      kind: "invalid",
    });
  });

  it("asks for an extension only past the current deadline, once, while the clock runs", () => {
    const later = bj("2026-12-16T00:00:00");
    const asked = decideOn(state(), { type: "request_extension", reason: "需协调", newDeadline: later });
    expect(asked).toMatchObject({
      ok: true,
      transition: {
        to: "accepted",
        clock: "none",
        event: { type: "extension_requested", data: { newDeadlineAt: later.toISOString() } },
        changes: { extensionRequestedUntil: later, extensionReason: "需协调" },
      },
    });
    // The request's data must not say deadlineAt: the deadline has not moved.
    expect(asked.ok && "deadlineAt" in asked.transition.event.data).toBe(false);
    const early = decideOn(state(), { type: "request_extension", reason: "x", newDeadline: deadline });
    expect(early).toMatchObject({ ok: false, kind: "invalid" });
    const pending = state({ extensionRequestedUntil: later });
    expect(decideOn(pending, { type: "request_extension", reason: "x", newDeadline: later })).toMatchObject({
      ok: false,
      kind: "conflict",
    });
    expect(
      decideOn(state({ status: "suspended", clockRunning: false }), {
        type: "request_extension",
        reason: "x",
        newDeadline: later,
      }),
    ).toMatchObject({ ok: false, kind: "conflict" });
  });

  it("approves: the clock extends to the date, the request is cleared, an overdue mark lifted", () => {
    const later = bj("2026-12-16T00:00:00");
    const approved = decideOn(state({ extensionRequestedUntil: later, overdue: true }), { type: "approve_extension" });
    expect(approved).toMatchObject({
      ok: true,
      transition: {
        clock: "extend",
        deadlineTo: later,
        event: {
          type: "extension_approved",
          data: { oldDeadlineAt: deadline.toISOString(), newDeadlineAt: later.toISOString() },
        },
        changes: { extensionRequestedUntil: null, extensionReason: null, overdue: false, overdueAt: null },
      },
    });
    expect(decideOn(state(), { type: "approve_extension" })).toMatchObject({ ok: false, kind: "conflict" });
    const refused = decideOn(state({ extensionRequestedUntil: later }), { type: "refuse_extension", note: "不同意" });
    expect(refused).toMatchObject({
      ok: true,
      transition: { clock: "none", changes: { extensionRequestedUntil: null }, event: { note: "不同意" } },
    });
  });

  it("lets a pending request lapse when the ticket leaves the department or the running clock", () => {
    const pending = state({ extensionRequestedUntil: bj("2026-12-16T00:00:00") });
    for (const action of [
      { type: "transfer", departmentCode: "GA", reason: "转公安" },
      { type: "suspend", reason: "等待补充" },
      { type: "resolve", reply: "已办结" },
      { type: "return", reasonCode: "wrong_area" },
    ] as TicketAction[]) {
      const d = decideOn(pending, action);
      expect(d.ok && d.transition.changes.extensionRequestedUntil, action.type).toBeNull();
      expect(d.ok && d.transition.event.data.extensionLapsed, action.type).toBe(true);
    }
    const noted = decideOn(pending, { type: "note", text: "已联系" });
    expect(noted.ok && "extensionRequestedUntil" in noted.transition.changes).toBe(false);
  });

  it("督办 on any open ticket with a note, alerting the department", () => {
    expect(decideOn(state({ status: "submitted" }), { type: "supervise", note: "请尽快分派" })).toMatchObject({
      ok: true,
      transition: { to: "submitted", staffAlert: "supervision", event: { type: "supervised", note: "请尽快分派" } },
    });
    expect(decideOn(state(), { type: "supervise", note: " " })).toMatchObject({ ok: false, kind: "invalid" });
    expect(decideOn(state({ status: "closed" }), { type: "supervise", note: "x" })).toMatchObject({
      ok: false,
      kind: "conflict",
    });
  });
});

describe("deadline clock: extend", () => {
  const clock = new DeadlineClock(WorkingCalendar.load(TZ));
  const rules = { budget: { basis: "workdays" as const, seconds: 3 * 86400 }, transferMinimumShare: 0.25 };
  const fresh: ClockState = {
    deadlineAt: null,
    dueBasis: null,
    dueBudgetSeconds: null,
    dueUsedSeconds: 0,
    dueRunningSince: null,
  };

  it("moves the deadline to the date granted, and a pause and resume keep it (plus the pause)", () => {
    const started = clock.apply("start", fresh, bj("2026-12-07T09:00:00"), rules); // Monday
    expect(started.deadlineAt).toEqual(bj("2026-12-10T09:00:00"));
    const granted = bj("2026-12-16T00:00:00"); // the end of Tuesday 15 December
    const extended = clock.apply("extend", started, bj("2026-12-08T09:00:00"), rules, granted);
    expect(extended.deadlineAt).toEqual(granted);
    // Used: one working day; left: Tue 8th 09:00 → Tue 15th 24:00 = 5 days 15 hours of working time.
    expect(extended.dueBudgetSeconds).toBe(86400 + 5 * 86400 + 15 * 3600);
    // Paused for two working hours, resumed: the deadline moves out by exactly those two hours.
    const paused = clock.apply("pause", extended, bj("2026-12-09T10:00:00"), rules);
    const resumed = clock.apply("resume", paused, bj("2026-12-09T12:00:00"), rules);
    expect(resumed.deadlineAt).toEqual(bj("2026-12-16T02:00:00")); // 15th was the last day: spills into Wednesday
  });

  it("moves the deadline of an hours clock by wall time", () => {
    const hours = { budget: { basis: "hours" as const, seconds: 24 * 3600 }, transferMinimumShare: 0.25 };
    const started = clock.apply("start", fresh, bj("2026-12-07T09:00:00"), hours);
    const extended = clock.apply("extend", started, bj("2026-12-07T21:00:00"), hours, bj("2026-12-09T09:00:00"));
    expect(extended.deadlineAt).toEqual(bj("2026-12-09T09:00:00"));
    expect(extended.dueBudgetSeconds).toBe(48 * 3600);
  });
});

describe("audit replay of a moved deadline", () => {
  it("takes the deadline from an approved extension's event", () => {
    const events = [
      { type: "created", data: { number: "GD20261207-000001" } },
      { type: "assigned", data: { to: "assigned", deadlineAt: "2026-12-10T01:00:00.000Z" } },
      { type: "extension_requested", data: { newDeadlineAt: "2026-12-15T16:00:00.000Z" } },
      { type: "extension_approved", data: { newDeadlineAt: "2026-12-15T16:00:00.000Z" } },
    ];
    expect(replayEvents(events).deadlineAt).toBe("2026-12-15T16:00:00.000Z");
    // A request alone moves nothing.
    expect(replayEvents(events.slice(0, 3)).deadlineAt).toBe("2026-12-10T01:00:00.000Z");
  });
});
