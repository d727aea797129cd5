// Working time on the Chinese calendar: Monday to Friday, minus public holidays, plus
// make-up workdays (调休). A deadline in working days counts only working days, each
// as a whole 24 hours: 3 working days from Friday 15:00 end on Wednesday 15:00.
import { type CalendarFile, packageYears, statutoryHolidays, type YearDays, type YearSource } from "./holiday-data.ts";
import { localDate, nextDay, startOfLocalDay, weekday } from "./zoned-days.ts";

const DAY_MS = 24 * 3600 * 1000;
// No deadline is years away; stop rather than loop forever on a calendar without working days.
const MAX_DAYS_SCANNED = 3 * 366;

interface YearEntry {
  holidays: Set<string>;
  workdays: Set<string>;
  source: YearSource;
}

export class WorkingCalendar {
  private readonly years = new Map<number, YearEntry>();

  constructor(
    readonly timeZone: string,
    private readonly sources: { file?: CalendarFile; packageData?: Map<number, YearDays> } = {},
  ) {}

  /** Calendar built from the package data and an optional intents/calendar.yaml. */
  static load(timeZone: string, file?: CalendarFile): WorkingCalendar {
    return new WorkingCalendar(timeZone, { file, packageData: packageYears() });
  }

  /** Where a year's days come from ("statutory": no announced schedule yet). */
  sourceOf(year: number): YearSource {
    return this.year(year).source;
  }

  isWorkingDay(day: string): boolean {
    const entry = this.year(Number(day.slice(0, 4)));
    if (entry.workdays.has(day)) return true;
    if (entry.holidays.has(day)) return false;
    const dow = weekday(day);
    return dow !== 0 && dow !== 6;
  }

  /** The end of a working day ("2026-12-10", local) as an instant; undefined if the day is not a working day. */
  endOfWorkingDay(day: string): Date | undefined {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return undefined;
    return this.isWorkingDay(day) ? startOfLocalDay(nextDay(day), this.timeZone) : undefined;
  }

  /** The instant `ms` of working time after `start`. */
  addWorkingTime(start: Date, ms: number): Date {
    let left = Math.max(0, ms);
    let day = localDate(start, this.timeZone);
    let cursor = start.getTime();
    for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
      const next = nextDay(day);
      const dayEnd = startOfLocalDay(next, this.timeZone).getTime();
      if (this.isWorkingDay(day)) {
        const available = dayEnd - cursor;
        if (left <= available) return new Date(cursor + left);
        left -= available;
      }
      day = next;
      cursor = dayEnd;
    }
    throw new Error(`no working time left within ${MAX_DAYS_SCANNED} days of ${start.toISOString()}`);
  }

  /** Working time between two instants (0 when `to` is not after `from`). */
  workingTimeBetween(from: Date, to: Date): number {
    if (to.getTime() <= from.getTime()) return 0;
    let total = 0;
    let day = localDate(from, this.timeZone);
    let cursor = from.getTime();
    while (cursor < to.getTime()) {
      const next = nextDay(day);
      const dayEnd = startOfLocalDay(next, this.timeZone).getTime();
      if (this.isWorkingDay(day)) total += Math.min(dayEnd, to.getTime()) - cursor;
      day = next;
      cursor = dayEnd;
    }
    return total;
  }

  /** Whole working days as working time. */
  static workingDays(n: number): number {
    return n * DAY_MS;
  }

  private year(year: number): YearEntry {
    let entry = this.years.get(year);
    if (entry) return entry;
    const fromFile = this.sources.file?.years[String(year)];
    const fromPackage = this.sources.packageData?.get(year);
    if (fromFile)
      entry = { holidays: new Set(fromFile.holidays), workdays: new Set(fromFile.workdays), source: "calendar.yaml" };
    else if (fromPackage)
      entry = {
        holidays: new Set(fromPackage.holidays),
        workdays: new Set(fromPackage.workdays),
        source: "chinese-days",
      };
    else entry = { holidays: new Set(statutoryHolidays(year)), workdays: new Set(), source: "statutory" };
    this.years.set(year, entry);
    return entry;
  }
}
