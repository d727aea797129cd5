// The public transparency figures (GET /api/public/transparency): counts per month,
// department and category of the tickets filed in the last N months, read in one query,
// then folded (transparency-folding.ts) so that no small group and no ticket is visible.
// Only counts leave this file: never a ticket's text, number, citizen or staff member.
// Like the KPIs, a ticket counts for the month it was filed and the department holding
// it; tickets merged into another (并案) count with their parent, unrouted ones not yet.
// Praise (表扬) is not a case and is left out; suggestions (建言) are cases (received,
// resolved, on time, rated) but not complaints: in the categories they are one line, 建言,
// whatever complaint category routing found in their words.
import { localDate, startOfLocalDay } from "../calendar/zoned-days.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Knowledge } from "../knowledge/knowledge.ts";
import { KIND_LABELS } from "../tickets/ticket-kind.ts";
import { foldTransparency, type TransparencyCell, type TransparencyMonth } from "./transparency-folding.ts";

/** Satisfaction on the public page is the share of 4 (满意) and 5 (非常满意) among rated tickets. */
export const PUBLIC_SATISFIED_RATING_MIN = 4;
export const TOP_CATEGORIES = 5;
/** The category line of suggestions (no complaint category has this code: it starts with "_"). */
const SUGGESTION_CATEGORY = "_suggestion";

export interface TransparencyReport {
  generatedAt: Date;
  minGroup: number;
  months: TransparencyMonth[];
}

export interface TransparencyOptions {
  months: number;
  minGroup: number;
  timeZone: string;
  now?: Date;
}

/** The `count` months up to and including the current one, oldest first ("2026-01" …). */
export function monthWindow(now: Date, timeZone: string, count: number): string[] {
  const [year, month] = localDate(now, timeZone).split("-").map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return months;
}

interface Row {
  month: string;
  departmentCode: string;
  category: string | null;
  received: bigint | number;
  resolved: bigint | number;
  onTime: bigint | number;
  rated: bigint | number;
  satisfied: bigint | number;
}

export async function transparencyReport(
  prisma: PrismaClient,
  knowledge: Pick<Knowledge, "departments" | "caseRules">,
  options: TransparencyOptions,
): Promise<TransparencyReport> {
  const now = options.now ?? new Date();
  const months = monthWindow(now, options.timeZone, options.months);
  const from = startOfLocalDay(`${months[0]}-01`, options.timeZone);
  // createdAt is a UTC timestamp without zone: read it as UTC, then as the city's local time.
  const rows = await prisma.$queryRaw<Row[]>`
    SELECT to_char(("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${options.timeZone}, 'YYYY-MM') AS "month",
      "departmentCode", CASE WHEN "kind" = 'suggestion' THEN ${SUGGESTION_CATEGORY} ELSE "category" END AS "category",
      count(*) AS "received",
      count(*) FILTER (WHERE "resolvedAt" IS NOT NULL) AS "resolved",
      count(*) FILTER (WHERE "resolvedAt" IS NOT NULL AND "resolvedOnTime") AS "onTime",
      count(*) FILTER (WHERE "rating" IS NOT NULL) AS "rated",
      count(*) FILTER (WHERE "rating" >= ${PUBLIC_SATISFIED_RATING_MIN}) AS "satisfied"
    FROM "Ticket"
    WHERE "createdAt" >= ${from} AND "status" <> 'merged' AND "departmentCode" IS NOT NULL AND "kind" <> 'praise'
    GROUP BY 1, 2, 3`;
  const cells: TransparencyCell[] = rows.map((r) => ({
    month: r.month,
    departmentCode: r.departmentCode,
    category: r.category,
    received: Number(r.received),
    resolved: Number(r.resolved),
    onTime: Number(r.onTime),
    rated: Number(r.rated),
    satisfied: Number(r.satisfied),
  }));
  const categoryNames = new Map([
    ...knowledge.caseRules.categories.map((c): [string, string] => [c.code, c.name]),
    [SUGGESTION_CATEGORY, KIND_LABELS.suggestion],
  ]);
  return {
    generatedAt: now,
    minGroup: options.minGroup,
    months: foldTransparency(cells, {
      months,
      minGroup: options.minGroup,
      departmentName: (code) => knowledge.departments.nameOf(code),
      categoryName: (code) => categoryNames.get(code),
      topCategories: TOP_CATEGORIES,
    }),
  };
}
