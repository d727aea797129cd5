// Service hours of the hand-off to a person (人工): HANDOFF_HOURS read in the city's time
// zone on the working-day calendar (holidays closed, 调休 workdays open).
import { describe, expect, it } from "vitest";
import {
  currentOrNextPeriod,
  describeInstant,
  describeServiceHours,
  isOpen,
  nextOpening,
  parseServiceHours,
} from "../src/calendar/service-hours.ts";
import { WorkingCalendar } from "../src/calendar/working-calendar.ts";
import { loadConfig } from "../src/config.ts";
import { createHub } from "../src/hub.ts";
import { createLogger } from "../src/logger.ts";
import { TEST_REDIS_URL, testConfig } from "./support/test-env.ts";

const calendar = WorkingCalendar.load("Asia/Shanghai");
const hours = parseServiceHours("mon-fri 09:00-12:00,13:30-17:30");
/** A Beijing wall-clock time. */
const at = (local: string) => new Date(`${local}+08:00`);
const read = (d: Date | undefined) => d && describeInstant(d, "Asia/Shanghai");

describe("service hours", () => {
  it("is open inside a period of a working day and closed at lunch, in the evening and at weekends", () => {
    expect(isOpen(hours, calendar, at("2026-12-07T10:00:00"))).toBe(true); // Monday
    expect(isOpen(hours, calendar, at("2026-12-07T09:00:00"))).toBe(true);
    expect(isOpen(hours, calendar, at("2026-12-07T12:00:00"))).toBe(false);
    expect(isOpen(hours, calendar, at("2026-12-07T12:30:00"))).toBe(false);
    expect(isOpen(hours, calendar, at("2026-12-07T17:30:00"))).toBe(false);
    expect(isOpen(hours, calendar, at("2026-12-12T10:00:00"))).toBe(false); // Saturday
  });

  it("finds the next opening: after lunch, after the weekend, after a holiday week", () => {
    expect(read(nextOpening(hours, calendar, at("2026-12-07T12:30:00"))?.start)).toBe("12月7日（周一）13:30");
    // Open now: the next opening is the next period, not this one.
    expect(read(nextOpening(hours, calendar, at("2026-12-07T10:00:00"))?.start)).toBe("12月7日（周一）13:30");
    const weekend = currentOrNextPeriod(hours, calendar, at("2026-12-11T18:00:00"))!;
    expect([read(weekend.start), read(weekend.end)]).toEqual(["12月14日（周一）09:00", "12月14日（周一）12:00"]);
    // National Day: 1–7 October 2026 are holidays; Thursday the 8th works.
    expect(read(currentOrNextPeriod(hours, calendar, at("2026-09-30T18:00:00"))?.start)).toBe("10月8日（周四）09:00");
    expect(isOpen(hours, calendar, at("2026-10-05T10:00:00"))).toBe(false); // a Monday, but a holiday
  });

  it("opens on make-up workdays (调休) with the weekday hours", () => {
    expect(isOpen(hours, calendar, at("2026-09-20T10:00:00"))).toBe(true); // Sunday, a workday
    expect(isOpen(hours, calendar, at("2026-10-10T14:00:00"))).toBe(true); // Saturday, a workday
  });

  it("takes several groups of days", () => {
    const withSaturday = parseServiceHours("mon-fri 09:00-17:00; sat 09:00-12:00");
    expect(isOpen(withSaturday, calendar, at("2026-12-12T10:00:00"))).toBe(true);
    expect(isOpen(withSaturday, calendar, at("2026-12-13T10:00:00"))).toBe(false);
    expect(describeServiceHours(withSaturday)).toBe("周一至周五 09:00-17:00；周六 09:00-12:00（法定节假日除外）");
  });

  it("says the hours in Chinese", () => {
    expect(describeServiceHours(hours)).toBe("周一至周五 09:00-12:00、13:30-17:30（法定节假日除外）");
    expect(describeServiceHours(parseServiceHours("mon,wed 08:00-10:00"))).toBe(
      "周一、周三 08:00-10:00（法定节假日除外）",
    );
  });

  it("may be round the clock", () => {
    const always = parseServiceHours("always");
    expect(isOpen(always, calendar, at("2026-10-01T03:00:00"))).toBe(true);
    expect(describeServiceHours(always)).toBe("全天24小时");
  });

  it("refuses what it cannot read", () => {
    expect(() => parseServiceHours("monday 9-5")).toThrow(/monday/);
    expect(() => parseServiceHours("mon-fri 12:00-09:00")).toThrow(/12:00-09:00/);
    expect(() => parseServiceHours("mon-fri 09:00-25:00")).toThrow();
    expect(() => parseServiceHours(" ; ")).toThrow(/no service hours/);
  });

  it("stops the start on a wrong HANDOFF_HOURS, naming it", async () => {
    expect(() => loadConfig({ HANDOFF_HOURS: "9-5" })).toThrow(/HANDOFF_HOURS/);
    expect(loadConfig({}).handoff).toEqual({ hours: "mon-fri 09:00-12:00,13:30-17:30", queues: "", pickupMs: 300_000 });
    // The right shape, but no such day: refused before anything is opened.
    await expect(
      createHub({
        config: testConfig({ HANDOFF_HOURS: "mon-fry 09:00-12:00" }),
        redisUrl: TEST_REDIS_URL,
        log: createLogger("silent"),
      }),
    ).rejects.toThrow(/^HANDOFF_HOURS: "mon-fry" is not a day/);
    // The same for a queue of its own.
    await expect(
      createHub({
        config: testConfig({ HANDOFF_QUEUES: "weibo:weibo=mon-fry 09:00-12:00" }),
        redisUrl: TEST_REDIS_URL,
        log: createLogger("silent"),
      }),
    ).rejects.toThrow(/^HANDOFF_QUEUES: "mon-fry" is not a day/);
  });
});
