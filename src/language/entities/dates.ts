// Dates in a citizen's message, resolved against the moment the message arrived:
// "2026年11月22日", "2026-11-22", "11月22号", "十一月二十二日", "昨天", "3天前",
// "上周", "上周三", "上个月5号", "去年12月". Calendar arithmetic is done on the local
// date in the hub's time zone, so "昨天" at 00:30 Beijing time is the right day.

import { localDate } from "../../calendar/zoned-days.ts";

export interface DateMention {
  /** As written, and where. */
  text: string;
  index: number;
  /** First day meant, YYYY-MM-DD. */
  date: string;
  /** Last day meant (same as `date` for a single day). */
  end: string;
  granularity: "day" | "weekend" | "week" | "month";
}

const NUMBER = String.raw`(\d{1,2}|[一二两三四五六七八九十]{1,3})`;
const WEEKDAY = "[一二三四五六日天1-7末]";
const PATTERNS: { pattern: string; resolve: (m: string[], today: Day) => Resolved | undefined }[] = [
  // 2026年11月22日 / 2026-11-22 / 2026/11/22 / 2026.11.22
  {
    pattern: String.raw`(\d{4})\s*年\s*${NUMBER}\s*月\s*${NUMBER}\s*[日号]`,
    resolve: ([y, m, d]) => day(Number(y), num(m), num(d)),
  },
  {
    pattern: String.raw`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])`,
    resolve: ([y, m, d]) => day(Number(y), Number(m), Number(d)),
  },
  {
    pattern: String.raw`(去年|今年|明年|前年)\s*${NUMBER}\s*月\s*${NUMBER}\s*[日号]?`,
    resolve: ([rel, m, d], t) => day(t.year + YEAR_OFFSET[rel!]!, num(m), num(d)),
  },
  { pattern: String.raw`(\d{4})\s*年\s*${NUMBER}\s*月份?`, resolve: ([y, m]) => month(Number(y), num(m)) },
  {
    pattern: String.raw`(去年|今年|明年|前年)\s*${NUMBER}\s*月份?`,
    resolve: ([rel, m], t) => month(t.year + YEAR_OFFSET[rel!]!, num(m)),
  },
  {
    pattern: String.raw`(上个?月|这个?月|本月|下个?月)\s*${NUMBER}\s*[日号]`,
    resolve: ([rel, d], t) => dayInMonth(t, MONTH_OFFSET[rel!.replace("个", "")]!, num(d)),
  },
  { pattern: String.raw`${NUMBER}\s*月\s*${NUMBER}\s*[日号]`, resolve: ([m, d], t) => dayNearToday(t, num(m), num(d)) },
  {
    pattern: String.raw`(\d{1,2})月(\d{1,2})(?![\d日号])`,
    resolve: ([m, d], t) => dayNearToday(t, Number(m), Number(d)),
  },
  { pattern: String.raw`${NUMBER}\s*月份`, resolve: ([m], t) => monthNearToday(t, num(m)) },
  {
    pattern: "(上个?月|这个?月|本月|下个?月)",
    resolve: ([rel], t) => monthFrom(t, MONTH_OFFSET[rel!.replace("个", "")]!),
  },
  {
    pattern: `(上上|上|这|本|下)个?(?:周|星期|礼拜)(${WEEKDAY})?(?!次)`,
    resolve: ([rel, wd], t) => week(t, WEEK_OFFSET[rel!]!, wd),
  },
  { pattern: `(?:周|星期|礼拜)(${WEEKDAY})(?!次)`, resolve: ([wd], t) => week(t, 0, wd) },
  {
    pattern: `${NUMBER}\\s*天\\s*(前|以前|之前|后|以后|之后)`,
    resolve: ([n, dir], t) => shift(t, (dir!.endsWith("前") ? -1 : 1) * num(n)),
  },
  {
    pattern: "(大前天|前天|昨天|昨日|今天|今日|明天|明日|大后天|后天)",
    resolve: ([word], t) => shift(t, DAY_OFFSET[word!]!),
  },
];
// One scan, leftmost match first; at the same position the earlier (more specific) pattern wins.
const SCANNER = new RegExp(PATTERNS.map((p) => `(${p.pattern})`).join("|"), "g");
// Capture groups per pattern (an empty alternative makes exec succeed on "" and list them all).
const GROUPS = PATTERNS.map((p) => new RegExp(`${p.pattern}|`).exec("")!.length - 1);

const YEAR_OFFSET: Record<string, number> = { 前年: -2, 去年: -1, 今年: 0, 明年: 1 };
const MONTH_OFFSET: Record<string, number> = { 上月: -1, 这月: 0, 本月: 0, 下月: 1 };
const WEEK_OFFSET: Record<string, number> = { 上上: -2, 上: -1, 这: 0, 本: 0, 下: 1 };
const DAY_OFFSET: Record<string, number> = {
  大前天: -3,
  前天: -2,
  昨天: -1,
  昨日: -1,
  今天: 0,
  今日: 0,
  明天: 1,
  明日: 1,
  后天: 2,
  大后天: 3,
};
const DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
// A month-day without a year is this year's, unless that is more than two months ahead:
// citizens mostly write about what already happened ("12月30号" written on 5 January).
const MAX_DAYS_AHEAD = 61;

/** A calendar day as a UTC-midnight timestamp (no time zone arithmetic past this point). */
interface Day {
  year: number;
  month: number;
  day: number;
  time: number;
}
type Resolved = { start: number; end: number; granularity: DateMention["granularity"] };

export function findDates(text: string, now: Date, timeZone = "Asia/Shanghai"): DateMention[] {
  const today = localDay(now, timeZone);
  const found: DateMention[] = [];
  for (const match of text.matchAll(SCANNER)) {
    let group = 1;
    for (let p = 0; p < PATTERNS.length; group += GROUPS[p]! + 1, p++) {
      if (match[group] === undefined) continue;
      const captures = match.slice(group + 1, group + 1 + GROUPS[p]!);
      const resolved = PATTERNS[p]!.resolve(captures as string[], today);
      if (resolved) {
        found.push({
          text: match[0],
          index: match.index,
          date: iso(resolved.start),
          end: iso(resolved.end),
          granularity: resolved.granularity,
        });
      }
      break;
    }
  }
  return found;
}

// The local date from the calendar's cached formatter: a new Intl.DateTimeFormat per message
// was 2.3% of the web process's CPU in the soak (every complaint-intake turn reads dates).
function localDay(now: Date, timeZone: string): Day {
  return toDay(Date.parse(`${localDate(now, timeZone)}T00:00:00Z`));
}

function toDay(time: number): Day {
  const d = new Date(time);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), time };
}

const DAY_MS = 86_400_000;

function validDay(year: number, month: number, dayOfMonth: number): number | undefined {
  const time = Date.UTC(year, month - 1, dayOfMonth);
  const d = new Date(time);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === dayOfMonth
    ? time
    : undefined;
}

function day(year: number, month: number, dayOfMonth: number): Resolved | undefined {
  const time = validDay(year, month, dayOfMonth);
  return time === undefined ? undefined : { start: time, end: time, granularity: "day" };
}

function month(year: number, monthOfYear: number): Resolved | undefined {
  if (!(monthOfYear >= 1 && monthOfYear <= 12)) return undefined;
  return { start: Date.UTC(year, monthOfYear - 1, 1), end: Date.UTC(year, monthOfYear, 0), granularity: "month" };
}

function dayNearToday(today: Day, monthOfYear: number, dayOfMonth: number): Resolved | undefined {
  const thisYear = day(today.year, monthOfYear, dayOfMonth);
  if (thisYear && thisYear.start - today.time > MAX_DAYS_AHEAD * DAY_MS)
    return day(today.year - 1, monthOfYear, dayOfMonth);
  // 2月29日 in a year that has none: only the previous leap year can be meant.
  return thisYear ?? day(today.year - 1, monthOfYear, dayOfMonth);
}

function monthNearToday(today: Day, monthOfYear: number): Resolved | undefined {
  const thisYear = month(today.year, monthOfYear);
  if (thisYear && thisYear.start - today.time > MAX_DAYS_AHEAD * DAY_MS) return month(today.year - 1, monthOfYear);
  return thisYear;
}

function monthFrom(today: Day, offset: number): Resolved | undefined {
  const index = today.year * 12 + today.month - 1 + offset;
  return month(Math.floor(index / 12), (index % 12) + 1);
}

function dayInMonth(today: Day, offset: number, dayOfMonth: number): Resolved | undefined {
  const index = today.year * 12 + today.month - 1 + offset;
  return day(Math.floor(index / 12), (index % 12) + 1, dayOfMonth);
}

/** Monday-based weeks; with a weekday, that day of the week; "末" is the weekend. */
function week(today: Day, offset: number, weekday: string | undefined): Resolved {
  const monday = today.time - ((new Date(today.time).getUTCDay() + 6) % 7) * DAY_MS + offset * 7 * DAY_MS;
  if (weekday === undefined) return { start: monday, end: monday + 6 * DAY_MS, granularity: "week" };
  if (weekday === "末") return { start: monday + 5 * DAY_MS, end: monday + 6 * DAY_MS, granularity: "weekend" };
  const n = weekday === "日" || weekday === "天" ? 7 : /\d/.test(weekday) ? Number(weekday) : DIGITS[weekday]!;
  const time = monday + (n - 1) * DAY_MS;
  return { start: time, end: time, granularity: "day" };
}

function shift(today: Day, days: number): Resolved {
  const time = today.time + days * DAY_MS;
  return { start: time, end: time, granularity: "day" };
}

/** 1–31 in digits or Chinese numerals (十一, 二十二, 三十一, 两). NaN when not a number. */
function num(text: string | undefined): number {
  if (text === undefined) return NaN;
  if (/^\d+$/.test(text)) return Number(text);
  const ten = text.indexOf("十");
  if (ten < 0) return text.length === 1 ? (DIGITS[text] ?? NaN) : NaN;
  const tens = ten === 0 ? 1 : (DIGITS[text.slice(0, ten)] ?? NaN);
  const units = ten === text.length - 1 ? 0 : (DIGITS[text.slice(ten + 1)] ?? NaN);
  return tens * 10 + units;
}

function iso(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
