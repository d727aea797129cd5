// The rollup rows a period sums: its whole local days from the daily rollups (OpinionRollupDay,
// one row a day instead of 24), the hours before its first whole day and after its last from
// the hourly ones. A day is the local day of an hour's start, as the writer keys it
// (opinion-store.ts), so the days and the edge hours split the period's hours exactly. The days
// are read only when they are stored in the period's zone (OpinionRollupZone); otherwise the
// same statement reads those hours instead (one-time filters: only one side is scanned).
import { localDate, nextDay, startOfLocalDay } from "../../calendar/zoned-days.ts";
import { type OpinionPeriod, sqlTime } from "./opinion-period.ts";

/** The rollup dimensions the API reads (src/opinion/opinion-rollup.ts writes them; the monitor, topics). */
export type ReadDimension = "keyword" | "place" | "domain" | "channel" | "sentiment" | "kind" | "topic";

/**
 * Hourly only: the monitor's topic rollup is read one topic at a time (growth over 48 h, a
 * timeline), never summed over all topics for a long range, so it has no daily rows. Every
 * dimension opinion-store.ts writes has them.
 */
const HOURLY_ONLY: ReadDimension = "topic";

/** The id of OpinionRollupZone's one row: the zone OpinionRollupDay's days are in (the writer reads it too). */
export const DAY_ZONE_ID = "day";

/** The whole local days [first, end) of a period and the instants they span; undefined when none. */
export function wholeDays(
  period: OpinionPeriod,
  timeZone: string,
): { first: string; end: string; from: Date; to: Date } | undefined {
  let first = localDate(period.from, timeZone);
  if (startOfLocalDay(first, timeZone).getTime() < period.from.getTime()) first = nextDay(first);
  // The day `to` falls in is not whole (it ends after `to`), unless `to` is its start.
  const end = localDate(period.to, timeZone);
  if (first >= end) return undefined;
  return { first, end, from: startOfLocalDay(first, timeZone), to: startOfLocalDay(end, timeZone) };
}

const COUNTS = `"total", "negative", "neutral", "positive"`;

/**
 * A subquery of the rows (value, hour, total, negative, neutral, positive) a period sums; a day
 * row's `hour` is its local midnight (a UTC wall time, like the hourly rows'). Its parameters are
 * appended to `params`. `days: false` reads hours only (hour buckets).
 */
export function rollupRowsSql(
  dimension: ReadDimension,
  period: OpinionPeriod,
  params: unknown[],
  options: { days: boolean },
): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const dim = `${param(dimension)}::text`;
  const hours = (from: Date, to: Date, extra = "") =>
    `SELECT "value", "hour", ${COUNTS} FROM "OpinionRollup"
     WHERE "dimension" = ${dim} AND "hour" >= ${param(sqlTime(from))}::timestamp(3) AND "hour" < ${param(sqlTime(to))}::timestamp(3)${extra}`;
  const days =
    options.days && dimension !== HOURLY_ONLY && period.timeZone ? wholeDays(period, period.timeZone) : undefined;
  if (!days) return hours(period.from, period.to);
  const tz = `${param(period.timeZone)}::text`;
  const stored = `EXISTS (SELECT 1 FROM "OpinionRollupZone" WHERE "id" = ${param(DAY_ZONE_ID)}::text AND "zone" = ${tz})`;
  return [
    hours(period.from, days.from),
    `SELECT "value", ("day"::timestamp AT TIME ZONE ${tz}) AT TIME ZONE 'UTC', ${COUNTS} FROM "OpinionRollupDay"
     WHERE "dimension" = ${dim} AND "day" >= ${param(days.first)}::date AND "day" < ${param(days.end)}::date AND ${stored}`,
    hours(days.from, days.to, ` AND NOT ${stored}`),
    hours(days.to, period.to),
  ].join("\n     UNION ALL ");
}
