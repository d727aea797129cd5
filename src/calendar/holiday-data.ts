// Where the public-holiday and make-up-workday (调休) calendar comes from, best first:
// 1. intents/calendar.yaml — the operator's own entries for a year (e.g. the State
//    Council's notice for next year, published each November, or a local holiday);
// 2. the `chinese-days` package's data (`npm update chinese-days` brings new years);
// 3. for a year neither covers, the statutory holidays fixed by law (全国年节及纪念日放假办法,
//    2025 revision), computed from the lunar calendar — without 调休, which only the
//    yearly notice announces. Such years are reported, so someone adds the notice.
import { createRequire } from "node:module";
import { z } from "zod";

// The package is CommonJS (UMD) without ESM named exports Node can see.
const require = createRequire(import.meta.url);
const chineseDays = require("chinese-days") as typeof import("chinese-days");

export type YearSource = "calendar.yaml" | "chinese-days" | "statutory";

export interface YearDays {
  holidays: string[];
  workdays: string[];
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2027-01-01");

export const calendarFileSchema = z.strictObject({
  years: z
    .record(
      z.string().regex(/^\d{4}$/, "must be a year like 2027"),
      z.strictObject({
        /** Where the dates come from, e.g. "国办发明电〔2026〕7号". */
        source: z.string().trim().min(1).optional(),
        holidays: z.array(isoDay).default([]),
        workdays: z.array(isoDay).default([]),
      }),
    )
    .default({}),
});

export type CalendarFile = z.infer<typeof calendarFileSchema>;

/** The package's announced days, grouped by year. */
export function packageYears(): Map<number, YearDays> {
  const data = require("chinese-days/dist/chinese-days.json") as {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
  };
  const years = new Map<number, YearDays>();
  const add = (day: string, kind: keyof YearDays) => {
    const year = Number(day.slice(0, 4));
    const entry = years.get(year) ?? { holidays: [], workdays: [] };
    entry[kind].push(day);
    years.set(year, entry);
  };
  for (const day of Object.keys(data.holidays)) add(day, "holidays");
  for (const day of Object.keys(data.workdays)) add(day, "workdays");
  return years;
}

/** The statutory days off of a year by law (no 调休; weekends are off anyway). */
export function statutoryHolidays(year: number): string[] {
  const lunar = (monthDay: string) => chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date;
  const springFestival = lunar("01-01");
  const eve = new Date(Date.parse(`${springFestival}T00:00:00Z`) - 24 * 3600 * 1000).toISOString().slice(0, 10);
  const plusDays = (day: string, n: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + n * 24 * 3600 * 1000).toISOString().slice(0, 10);
  return [
    `${year}-01-01`, // 元旦
    eve,
    springFestival,
    plusDays(springFestival, 1),
    plusDays(springFestival, 2), // 春节: 除夕 to 初三
    chineseDays.getSolarTermDate(year, 4, "pure_brightness"), // 清明
    `${year}-05-01`,
    `${year}-05-02`, // 劳动节
    lunar("05-05"), // 端午
    lunar("08-15"), // 中秋
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`, // 国庆节
  ];
}

/** Checks that every date of a year's entry is in that year. */
export function calendarFileProblems(file: CalendarFile): string[] {
  const problems: string[] = [];
  for (const [year, days] of Object.entries(file.years)) {
    for (const kind of ["holidays", "workdays"] as const) {
      days[kind].forEach((day, i) => {
        if (!day.startsWith(`${year}-`) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
          problems.push(`years.${year}.${kind}.${i}: "${day}" is not a valid date in ${year}`);
        }
      });
    }
  }
  return problems;
}
