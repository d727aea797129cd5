// The period of a briefing: a local day (daily) or an ISO week, Monday to Sunday (weekly),
// in the hub's time zone, with the period before it for comparison.
import { localDate, nextDay, startOfLocalDay, weekday } from "../../calendar/zoned-days.ts";
import type { OpinionPeriod } from "../read/opinion-period.ts";

export interface BriefingPeriod extends OpinionPeriod {
  kind: "daily" | "weekly";
  /** "2026-11-02" or "2026-W45". */
  name: string;
  /** The local days it covers, first and last. */
  firstDay: string;
  lastDay: string;
  previous: OpinionPeriod;
}

const DAY_MS = 24 * 3_600_000;

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function period(
  kind: BriefingPeriod["kind"],
  name: string,
  firstDay: string,
  days: number,
  timeZone: string,
): BriefingPeriod {
  const lastDay = addDays(firstDay, days - 1);
  return {
    kind,
    name,
    firstDay,
    lastDay,
    from: startOfLocalDay(firstDay, timeZone),
    to: startOfLocalDay(nextDay(lastDay), timeZone),
    previous: { from: startOfLocalDay(addDays(firstDay, -days), timeZone), to: startOfLocalDay(firstDay, timeZone) },
  };
}

/** A daily briefing's day; by default yesterday (local). Undefined when not a real date. */
export function dailyPeriod(date: string | undefined, timeZone: string, now = new Date()): BriefingPeriod | undefined {
  const day = date ?? addDays(localDate(now, timeZone), -1);
  if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || addDays(day, 0) !== day) return undefined;
  return period("daily", day, day, 1, timeZone);
}

/** The Monday of ISO week `week` of `year`. */
export function isoWeekMonday(year: number, week: number): string {
  const jan4 = `${String(year).padStart(4, "0")}-01-04`;
  const mondayOfWeek1 = addDays(jan4, -((weekday(jan4) + 6) % 7));
  return addDays(mondayOfWeek1, (week - 1) * 7);
}

/** The ISO week ("2026-W45") a local day is in. */
export function isoWeekOf(day: string): string {
  const thursday = addDays(day, 3 - ((weekday(day) + 6) % 7));
  const year = Number(thursday.slice(0, 4));
  const week =
    Math.floor(
      (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${isoWeekMonday(year, 1)}T00:00:00Z`)) / (7 * DAY_MS),
    ) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** A weekly briefing's ISO week; by default last week. Undefined when the week does not exist. */
export function weeklyPeriod(week: string | undefined, timeZone: string, now = new Date()): BriefingPeriod | undefined {
  const name = week ?? isoWeekOf(addDays(localDate(now, timeZone), -7));
  const match = /^(\d{4})-W(\d{2})$/.exec(name);
  if (!match) return undefined;
  const [year, number] = [Number(match[1]), Number(match[2])];
  const monday = isoWeekMonday(year, number);
  if (number < 1 || isoWeekOf(monday) !== name) return undefined;
  return period("weekly", name, monday, 7, timeZone);
}
