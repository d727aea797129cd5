// Service-quality figures per department for tickets filed in a period:
// received, resolved, on-time acceptance and resolution rates, median time to accept and
// to resolve, satisfaction rate (满意率: 基本满意 or better among rated) and reopen rate.
// Each ticket counts for the department that holds it (after transfers, the last one);
// tickets merged into another (并案) count with their parent only. One query serves the
// period's figures (departmentKpis) and the same figures per week or month (kpiTrend).
//
// Kinds of ticket: complaints, requests for help and suggestions (建言) are work owed an
// answer, and count in every figure (a suggestion against its own deadline, and rated like
// a complaint). Praise (表扬) is counted only as 表扬数 (praise): it has no deadline and no
// rating, so it stays out of every other figure, received and the rates' denominators
// (按时办结率, 满意率, 重办率) included.
import type { PrismaClient } from "../db/database.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { SATISFIED_RATING_MIN } from "../tickets/rating.ts";
import { KIND_FILTER_SQL } from "./kind-filter.ts";

/**
 * 按时签收: accepted within this many hours of being given to the department. The
 * catalog sets no acceptance deadline, so the KPI uses the customary one working day,
 * counted as 24 wall-clock hours.
 */
export const ACCEPT_ON_TIME_HOURS = 24;

export interface DepartmentKpis {
  departmentCode: string;
  /** Tickets owed an answer (complaints, requests for help, suggestions); praise is counted apart. */
  received: number;
  resolved: number;
  /** Accepted within ACCEPT_ON_TIME_HOURS, of those accepted or whose window has passed. */
  acceptOnTimeRate: number | null;
  /** Resolved within the deadline, of resolved. */
  onTimeRate: number | null;
  /** From being given to the department to its acceptance (签收). */
  medianHoursToAccept: number | null;
  /** From filing to resolution. */
  medianHoursToResolve: number | null;
  rated: number;
  satisfactionRate: number | null;
  /** Reopened at least once, of those ever resolved. */
  reopenRate: number | null;
  /** 表扬数: praise the department received. */
  praise: number;
}

export type KpiInterval = "week" | "month";

export interface KpiPeriod {
  /** The local day the week (Monday) or month begins, "2026-11-02". */
  start: string;
  departments: DepartmentKpis[];
  /** All departments of the query together. */
  total: Omit<DepartmentKpis, "departmentCode">;
}

interface Row {
  bucket: string | null;
  departmentCode: string | null;
  received: bigint | number;
  resolved: bigint | number;
  acceptDue: bigint | number;
  acceptOnTime: bigint | number;
  onTime: bigint | number;
  acceptSeconds: number | string | null;
  resolveSeconds: number | string | null;
  rated: bigint | number;
  satisfied: bigint | number;
  reopened: bigint | number;
  everResolved: bigint | number;
  praise: bigint | number;
}

interface Query {
  period: { from: Date; to: Date };
  departmentCode?: string;
  /** Per week or month of the local calendar, with totals; absent: per department only. */
  interval?: { unit: KpiInterval; timeZone: string };
  now?: Date;
}

async function kpiRows(prisma: PrismaClient, q: Query): Promise<Row[]> {
  const departmentCode = q.departmentCode ?? null;
  const acceptWindow = `${ACCEPT_ON_TIME_HOURS} hours`;
  // Work owed an answer; the rest is praise (see the top of this file).
  const work = KIND_FILTER_SQL.work;
  const now = q.now ?? new Date();
  // createdAt is UTC without a zone: read it as UTC, then as local time, to cut weeks and months locally.
  const bucket = q.interval
    ? Prisma.sql`to_char(date_trunc(${q.interval.unit}, ("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${q.interval.timeZone}), 'YYYY-MM-DD')`
    : Prisma.sql`NULL::text`;
  const grouping = q.interval
    ? Prisma.sql`GROUPING SETS ((1, "departmentCode"), (1))`
    : Prisma.sql`GROUPING SETS ((1, "departmentCode"))`;
  return prisma.$queryRaw<Row[]>`
    SELECT ${bucket} AS "bucket", "departmentCode",
      count(*) FILTER (WHERE ${work}) AS "received",
      count(*) FILTER (WHERE ${work} AND "resolvedAt" IS NOT NULL) AS "resolved",
      count(*) FILTER (WHERE ${work} AND "assignedAt" IS NOT NULL
        AND ("acceptedAt" IS NOT NULL OR "assignedAt" + ${acceptWindow}::interval < ${now})) AS "acceptDue",
      count(*) FILTER (WHERE ${work} AND "acceptedAt" IS NOT NULL AND "assignedAt" IS NOT NULL
        AND "acceptedAt" - "assignedAt" <= ${acceptWindow}::interval) AS "acceptOnTime",
      count(*) FILTER (WHERE ${work} AND "resolvedAt" IS NOT NULL AND "resolvedOnTime") AS "onTime",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("acceptedAt" - "assignedAt")))
        FILTER (WHERE ${work} AND "acceptedAt" IS NOT NULL AND "assignedAt" IS NOT NULL) AS "acceptSeconds",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("resolvedAt" - "createdAt")))
        FILTER (WHERE ${work} AND "resolvedAt" IS NOT NULL) AS "resolveSeconds",
      count(*) FILTER (WHERE ${work} AND "rating" IS NOT NULL) AS "rated",
      count(*) FILTER (WHERE ${work} AND "rating" >= ${SATISFIED_RATING_MIN}) AS "satisfied",
      count(*) FILTER (WHERE ${work} AND "reopenCount" > 0) AS "reopened",
      count(*) FILTER (WHERE ${work} AND ("resolvedAt" IS NOT NULL OR "reopenCount" > 0)) AS "everResolved",
      count(*) FILTER (WHERE NOT ${work}) AS "praise"
    FROM "Ticket"
    WHERE "createdAt" >= ${q.period.from} AND "createdAt" < ${q.period.to}
      AND "status" <> 'merged' AND "departmentCode" IS NOT NULL
      AND (${departmentCode}::text IS NULL OR "departmentCode" = ${departmentCode}::text)
    GROUP BY ${grouping}
    ORDER BY 1, "departmentCode"`;
}

function figures(r: Row): Omit<DepartmentKpis, "departmentCode"> {
  const n = (v: bigint | number) => Number(v);
  const rate = (part: bigint | number, whole: bigint | number) =>
    n(whole) === 0 ? null : round(n(part) / n(whole), 4);
  const hours = (s: number | string | null) => (s === null ? null : round(Number(s) / 3600, 2));
  return {
    received: n(r.received),
    resolved: n(r.resolved),
    acceptOnTimeRate: rate(r.acceptOnTime, r.acceptDue),
    onTimeRate: rate(r.onTime, r.resolved),
    medianHoursToAccept: hours(r.acceptSeconds),
    medianHoursToResolve: hours(r.resolveSeconds),
    rated: n(r.rated),
    satisfactionRate: rate(r.satisfied, r.rated),
    reopenRate: rate(r.reopened, r.everResolved),
    praise: n(r.praise),
  };
}

export async function departmentKpis(
  prisma: PrismaClient,
  period: { from: Date; to: Date },
  departmentCode?: string,
  now?: Date,
): Promise<DepartmentKpis[]> {
  const rows = await kpiRows(prisma, { period, departmentCode, now });
  return rows.map((r) => ({ departmentCode: r.departmentCode!, ...figures(r) }));
}

/** The same figures per week (from Monday) or month; periods without tickets are left out. */
export async function kpiTrend(
  prisma: PrismaClient,
  query: { period: { from: Date; to: Date }; departmentCode?: string; interval: KpiInterval; timeZone: string },
): Promise<KpiPeriod[]> {
  const rows = await kpiRows(prisma, {
    period: query.period,
    departmentCode: query.departmentCode,
    interval: { unit: query.interval, timeZone: query.timeZone },
  });
  // Two passes, not the query's order: PostgreSQL may drop the sort on "departmentCode" when
  // the WHERE fixes it to one value, so a period's total row can come after its departments.
  const periods = new Map<string, KpiPeriod>();
  for (const r of rows)
    if (r.departmentCode === null) periods.set(r.bucket!, { start: r.bucket!, departments: [], total: figures(r) });
  for (const r of rows)
    if (r.departmentCode !== null)
      periods.get(r.bucket!)!.departments.push({ departmentCode: r.departmentCode, ...figures(r) });
  return [...periods.values()];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
