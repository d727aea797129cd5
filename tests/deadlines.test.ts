// Working days on the Chinese calendar and the deadline clock (pure).
import { describe, expect, it } from "vitest";
import { DeadlineClock, type ClockState } from "../src/deadlines/deadline-clock.ts";
import { statutoryHolidays } from "../src/calendar/holiday-data.ts";
import { planTimers } from "../src/deadlines/timer-plan.ts";
import { WorkingCalendar } from "../src/calendar/working-calendar.ts";

const TZ = "Asia/Shanghai";
const DAY = 24 * 3600 * 1000;
/** A Beijing wall-clock time as an instant. */
const bj = (local: string) => new Date(`${local}+08:00`);

describe("working calendar", () => {
  const calendar = WorkingCalendar.load(TZ);

  it("knows the announced holidays and make-up workdays (调休)", () => {
    expect(calendar.sourceOf(2026)).toBe("chinese-days");
    expect(calendar.isWorkingDay("2026-10-01")).toBe(false); // 国庆
    expect(calendar.isWorkingDay("2026-10-07")).toBe(false);
    expect(calendar.isWorkingDay("2026-10-10")).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay("2026-11-21")).toBe(false); // an ordinary Saturday
    expect(calendar.isWorkingDay("2026-11-23")).toBe(true);
  });

  it("counts whole working days from the moment, in the city's time zone", () => {
    // Friday 15:00 + 3 working days → Wednesday 15:00.
    expect(calendar.addWorkingTime(bj("2026-11-20T15:00:00"), 3 * DAY)).toEqual(bj("2026-11-25T15:00:00"));
    // Across the National Day holiday: Wed 30 Sep 10:00 + 1 working day → Thu 8 Oct 10:00.
    expect(calendar.addWorkingTime(bj("2026-09-30T10:00:00"), DAY)).toEqual(bj("2026-10-08T10:00:00"));
    // Starting on a holiday, the clock starts at the next working day's beginning.
    expect(calendar.addWorkingTime(bj("2026-10-03T12:00:00"), DAY / 2)).toEqual(bj("2026-10-08T12:00:00"));
  });

  it("measures working time between two instants", () => {
    expect(calendar.workingTimeBetween(bj("2026-11-20T15:00:00"), bj("2026-11-23T15:00:00"))).toBe(DAY);
    expect(calendar.workingTimeBetween(bj("2026-10-01T00:00:00"), bj("2026-10-08T00:00:00"))).toBe(0);
    expect(calendar.workingTimeBetween(bj("2026-11-23T12:00:00"), bj("2026-11-23T10:00:00"))).toBe(0);
  });

  it("uses the statutory holidays for a year without an announced schedule, and says so", () => {
    expect(calendar.sourceOf(2027)).toBe("statutory");
    // 2027 Spring Festival: 除夕 5 Feb to 初三 8 Feb; 国庆 1–3 Oct.
    expect(statutoryHolidays(2027)).toEqual(
      expect.arrayContaining(["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-10-01", "2027-10-03"]),
    );
    expect(calendar.isWorkingDay("2027-02-08")).toBe(false); // Monday, 初三
    expect(calendar.isWorkingDay("2027-02-09")).toBe(true);
  });

  it("lets intents/calendar.yaml replace a year", () => {
    const local = WorkingCalendar.load(TZ, {
      years: { "2027": { holidays: ["2027-02-09", "2027-02-10"], workdays: ["2027-02-20"] } },
    });
    expect(local.sourceOf(2027)).toBe("calendar.yaml");
    expect(local.isWorkingDay("2027-02-09")).toBe(false);
    expect(local.isWorkingDay("2027-02-20")).toBe(true); // Saturday made a workday
    expect(local.isWorkingDay("2027-02-08")).toBe(true); // the file replaces the statutory guess
  });
});

describe("deadline clock", () => {
  const clock = new DeadlineClock(WorkingCalendar.load(TZ));
  const fresh: ClockState = {
    deadlineAt: null,
    dueBasis: null,
    dueBudgetSeconds: null,
    dueUsedSeconds: 0,
    dueRunningSince: null,
  };
  const fiveDays = { budget: { basis: "workdays" as const, seconds: 5 * 86400 }, transferMinimumShare: 0.25 };
  const day = 86400;

  it("starts with the category's budget and pauses and resumes without losing time", () => {
    const started = clock.apply("start", fresh, bj("2026-11-23T09:00:00"), fiveDays); // Monday
    expect(started.deadlineAt).toEqual(bj("2026-11-30T09:00:00"));
    const paused = clock.apply("pause", started, bj("2026-11-24T09:00:00"), fiveDays); // used 1 day
    expect(paused).toMatchObject({ dueUsedSeconds: day, dueRunningSince: null });
    const resumed = clock.apply("resume", paused, bj("2026-11-26T09:00:00"), fiveDays); // 2 days later
    expect(resumed.deadlineAt).toEqual(bj("2026-12-02T09:00:00")); // 4 days left from Thursday
  });

  it("gives a new holder at least a share of the budget after a transfer", () => {
    const started = clock.apply("start", fresh, bj("2026-11-23T09:00:00"), fiveDays);
    const early = clock.apply("keep", started, bj("2026-11-24T09:00:00"), fiveDays);
    expect(early.deadlineAt).toEqual(started.deadlineAt); // plenty left: the deadline stands
    const late = clock.apply("keep", started, bj("2026-11-30T03:00:00"), fiveDays); // 6 h left of 5 days
    expect(late.dueBudgetSeconds).toBe(Math.round(4.75 * day + 1.25 * day));
    expect(late.deadlineAt).toEqual(bj("2026-12-01T09:00:00")); // 1.25 working days from Monday 03:00
  });

  it("plans reminders at 50% and 80%, the breach at the deadline, and no timers while paused", () => {
    const started = clock.apply("start", fresh, bj("2026-11-23T09:00:00"), {
      ...fiveDays,
      budget: { basis: "hours", seconds: 10 * 3600 },
    });
    const ticket = { status: "accepted", remindersSent: 0, overdue: false, resolvedAt: null, ...started };
    expect(planTimers(ticket, clock, 7)).toEqual([
      { kind: "remind50", dueAt: bj("2026-11-23T14:00:00") },
      { kind: "remind80", dueAt: bj("2026-11-23T17:00:00") },
      { kind: "breach", dueAt: bj("2026-11-23T19:00:00") },
    ]);
    expect(planTimers({ ...ticket, remindersSent: 1 }, clock, 7).map((t) => t.kind)).toEqual(["remind80", "breach"]);
    expect(planTimers({ ...ticket, overdue: true, remindersSent: 2 }, clock, 7)).toEqual([]);
    const paused = clock.apply("pause", started, bj("2026-11-23T10:00:00"), fiveDays);
    expect(planTimers({ ...ticket, status: "suspended", ...paused }, clock, 7)).toEqual([]);
    const resolvedAt = bj("2026-11-23T12:00:00");
    expect(planTimers({ ...ticket, status: "resolved", resolvedAt, ...paused }, clock, 7)).toEqual([
      { kind: "autoclose", dueAt: new Date(resolvedAt.getTime() + 7 * DAY) },
    ]);
  });
});
