// Service-quality figures per department for tickets filed in a period:
// received, resolved, on-time rate, median time to accept and to resolve,
// satisfaction rate (满意率: 基本满意 or better among rated) and reopen rate.
// Each ticket counts for the department that holds it (after transfers, the last one);
// tickets merged into another (并案) count with their parent only.
import type { PrismaClient } from "../db/database.ts";
import { SATISFIED_RATING_MIN } from "../tickets/rating.ts";

export interface DepartmentKpis {
  departmentCode: string;
  received: number;
  resolved: number;
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
}

interface Row {
  departmentCode: string;
  received: bigint | number;
  resolved: bigint | number;
  onTime: bigint | number;
  acceptSeconds: number | string | null;
  resolveSeconds: number | string | null;
  rated: bigint | number;
  satisfied: bigint | number;
  reopened: bigint | number;
  everResolved: bigint | number;
}

export async function departmentKpis(
  prisma: PrismaClient,
  period: { from: Date; to: Date },
  departmentCode?: string,
): Promise<DepartmentKpis[]> {
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT "departmentCode",
      count(*) AS "received",
      count(*) FILTER (WHERE "resolvedAt" IS NOT NULL) AS "resolved",
      count(*) FILTER (WHERE "resolvedAt" IS NOT NULL AND "resolvedOnTime") AS "onTime",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("acceptedAt" - "assignedAt")))
        FILTER (WHERE "acceptedAt" IS NOT NULL AND "assignedAt" IS NOT NULL) AS "acceptSeconds",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("resolvedAt" - "createdAt")))
        FILTER (WHERE "resolvedAt" IS NOT NULL) AS "resolveSeconds",
      count(*) FILTER (WHERE "rating" IS NOT NULL) AS "rated",
      count(*) FILTER (WHERE "rating" >= ${SATISFIED_RATING_MIN}) AS "satisfied",
      count(*) FILTER (WHERE "reopenCount" > 0) AS "reopened",
      count(*) FILTER (WHERE "resolvedAt" IS NOT NULL OR "reopenCount" > 0) AS "everResolved"
    FROM "Ticket"
    WHERE "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
      AND "status" <> 'merged' AND "departmentCode" IS NOT NULL
      AND (${departmentCode ?? null}::text IS NULL OR "departmentCode" = ${departmentCode ?? null}::text)
    GROUP BY "departmentCode"
    ORDER BY "departmentCode"`;
  return rows.map((r) => {
    const n = (v: bigint | number) => Number(v);
    const rate = (part: bigint | number, whole: bigint | number) =>
      n(whole) === 0 ? null : round(n(part) / n(whole), 4);
    const hours = (s: number | string | null) => (s === null ? null : round(Number(s) / 3600, 2));
    return {
      departmentCode: r.departmentCode,
      received: n(r.received),
      resolved: n(r.resolved),
      onTimeRate: rate(r.onTime, r.resolved),
      medianHoursToAccept: hours(r.acceptSeconds),
      medianHoursToResolve: hours(r.resolveSeconds),
      rated: n(r.rated),
      satisfactionRate: rate(r.satisfied, r.rated),
      reopenRate: rate(r.reopened, r.everResolved),
    };
  });
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
