// When people answer: service hours like "mon-fri 09:00-12:00,13:30-17:30" (several
// groups separated by ";", e.g. "mon-fri 09:00-17:00; sat 09:00-12:00"), read in the
// city's time zone and on the working-day calendar: a public holiday on a weekday is
// closed, a make-up workday (调休) on a weekend keeps Monday's hours. Pure: parse once,
// then ask whether it is open at an instant and when the next service period is.
// "always" means round the clock, holidays included.
import type { WorkingCalendar } from "./working-calendar.ts";
import { localDate, nextDay, startOfLocalDay, weekday } from "./zoned-days.ts";

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const CHINESE_DAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
// A week of closed days (a long holiday) is possible; a year without any opening is a mistake.
const MAX_DAYS_SCANNED = 370;

interface Group {
  days: Set<number>;
  /** Minutes after local midnight, [start, end), ascending. */
  periods: [number, number][];
}

export interface ServiceHours {
  /** The text as configured (for messages in logs). */
  spec: string;
  groups: Group[];
  /** Round the clock, every day ("always"). */
  always?: boolean;
}

/** A service period: when it opens and closes. */
export interface ServicePeriod {
  start: Date;
  end: Date;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutes(clock: string): number | undefined {
  const m = CLOCK.exec(clock.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : clock.trim() === "24:00" ? 1440 : undefined;
}

function dayIndex(name: string): number {
  return (DAY_NAMES as readonly string[]).indexOf(name.trim().toLowerCase());
}

/** Parses "mon-fri 09:00-12:00,13:30-17:30[; sat 09:00-12:00]"; throws an Error naming what is wrong. */
export function parseServiceHours(spec: string): ServiceHours {
  if (spec.trim().toLowerCase() === "always") return { spec, groups: [], always: true };
  const groups: Group[] = [];
  for (const part of spec.split(";").map((p) => p.trim())) {
    if (!part) continue;
    const m = /^(\S+)\s+(.+)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not "<days> <hh:mm-hh:mm>[,…]"`);
    const days = new Set<number>();
    for (const range of m[1]!.split(",")) {
      const [from, to = from] = range.split("-");
      const [a, b] = [dayIndex(from!), dayIndex(to!)];
      if (a < 0 || b < 0) throw new Error(`"${range}" is not a day or range of days (mon … sun)`);
      for (let d = a; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === b) break;
      }
    }
    const periods: [number, number][] = [];
    for (const range of m[2]!.split(",")) {
      const [from, to] = range.split("-");
      const [start, end] = [minutes(from ?? ""), minutes(to ?? "")];
      if (start === undefined || end === undefined || start >= end)
        throw new Error(`"${range.trim()}" is not a time range like 09:00-12:00`);
      periods.push([start, end]);
    }
    periods.sort((x, y) => x[0] - y[0]);
    groups.push({ days, periods });
  }
  if (groups.length === 0) throw new Error("no service hours given");
  return { spec, groups };
}

/** The periods (minutes of the day) of a local day, with the calendar's holidays and make-up workdays. */
function periodsOn(hours: ServiceHours, calendar: WorkingCalendar, day: string): [number, number][] {
  const dow = weekday(day);
  const weekend = dow === 0 || dow === 6;
  const working = calendar.isWorkingDay(day);
  // A holiday on a weekday is closed; a make-up workday on a weekend works like a Monday.
  const as = working ? (weekend ? 1 : dow) : weekend ? dow : undefined;
  if (as === undefined) return [];
  return hours.groups
    .filter((g) => g.days.has(as))
    .flatMap((g) => g.periods)
    .sort((x, y) => x[0] - y[0]);
}

/** The service period open at `now`, or the next one to open; undefined if none within a year. */
export function currentOrNextPeriod(
  hours: ServiceHours,
  calendar: WorkingCalendar,
  now: Date,
): ServicePeriod | undefined {
  if (hours.always) return { start: now, end: new Date(now.getTime() + 24 * 3600_000) };
  let day = localDate(now, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = nextDay(day)) {
    const midnight = startOfLocalDay(day, calendar.timeZone).getTime();
    for (const [start, end] of periodsOn(hours, calendar, day)) {
      const period = { start: new Date(midnight + start * 60_000), end: new Date(midnight + end * 60_000) };
      if (period.end.getTime() > now.getTime()) return period;
    }
  }
  return undefined;
}

/** Whether people answer at `now`. */
export function isOpen(hours: ServiceHours, calendar: WorkingCalendar, now: Date): boolean {
  const period = currentOrNextPeriod(hours, calendar, now);
  return period !== undefined && period.start.getTime() <= now.getTime();
}

/** The next period that opens after `now` (a period open now does not count). */
export function nextOpening(hours: ServiceHours, calendar: WorkingCalendar, now: Date): ServicePeriod | undefined {
  if (hours.always) return currentOrNextPeriod(hours, calendar, now);
  const period = currentOrNextPeriod(hours, calendar, now);
  if (!period || period.start.getTime() > now.getTime()) return period;
  return currentOrNextPeriod(hours, calendar, period.end);
}

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

function dayList(days: Set<number>): string {
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => days.has(d));
  // A run of consecutive days reads 周一至周五.
  const runs: number[][] = [];
  for (const d of order) {
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (last && prev !== undefined && (prev + 1) % 7 === d) last.push(d);
    else runs.push([d]);
  }
  return runs
    .map((r) =>
      r.length > 2 ? `${CHINESE_DAYS[r[0]!]}至${CHINESE_DAYS[r.at(-1)!]}` : r.map((d) => CHINESE_DAYS[d]).join("、"),
    )
    .join("、");
}

/** The hours in Chinese: 周一至周五 09:00-12:00、13:30-17:30（法定节假日除外）. */
export function describeServiceHours(hours: ServiceHours): string {
  if (hours.always) return "全天24小时";
  const text = hours.groups
    .map((g) => `${dayList(g.days)} ${g.periods.map(([a, b]) => `${clock(a)}-${clock(b)}`).join("、")}`)
    .join("；");
  return `${text}（法定节假日除外）`;
}

/** An instant as the citizen reads it: 12月8日（周一）12:00. */
export function describeInstant(at: Date, timeZone: string): string {
  const day = localDate(at, timeZone);
  const minutesOfDay = Math.round((at.getTime() - startOfLocalDay(day, timeZone).getTime()) / 60_000);
  return `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日（${CHINESE_DAYS[weekday(day)]}）${clock(minutesOfDay)}`;
}
