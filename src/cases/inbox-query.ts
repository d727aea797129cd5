// The workbench inbox: one page of a tab's tickets (deadline first, nulls last, then
// number) and every tab's count, over the same filters (department, text or number,
// phone, filing period, answered or not, praise or not). Two statements, run side by side; each ticket's time left is
// the caller's (it needs the calendar, not the database).
import type { PrismaClient } from "../db/database.ts";
import { Prisma, type Ticket } from "../generated/prisma/client.ts";
import { INBOX_TABS, type InboxTab, TAB_SQL, type TabContext } from "./inbox-tabs.ts";
import { KIND_FILTER_SQL, type KindFilter } from "./kind-filter.ts";

export interface InboxFilter {
  tab: InboxTab;
  departmentCode?: string;
  /** A ticket number (exact), or else words of the text. */
  q?: string;
  /** Digits of a phone number, searched in the text and the structured details. */
  phoneDigits?: string;
  /** Filed at or after / before. */
  from?: Date;
  to?: Date;
  /** Only tickets with a reply (resolvedAt set: 办结, not reopened since), like the KPIs' 办结量. */
  resolved?: boolean;
  /** Only the work owed an answer, or only praise (kind-filter.ts), like 统计's figures. */
  kind?: KindFilter;
  limit: number;
  offset: number;
}

export type InboxCounts = Record<InboxTab, number>;

const TICKET_NUMBER = /^GD\d{8}-\d{6,}$/;

/** ILIKE's wildcards taken literally. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A POSIX regular expression for these digits as people write them (digits only: nothing to escape). */
export function phonePattern(digits: string): string {
  return [...digits.replace(/\D/g, "")].join("[ .-]?");
}

function baseWhere(filter: InboxFilter): Prisma.Sql {
  const and: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filter.departmentCode !== undefined) and.push(Prisma.sql`"departmentCode" = ${filter.departmentCode}`);
  const q = filter.q?.trim();
  if (q) {
    if (TICKET_NUMBER.test(q)) and.push(Prisma.sql`"number" = ${q}`);
    else and.push(Prisma.sql`"text" ILIKE ${`%${likeEscape(q)}%`}`);
  }
  if (filter.phoneDigits) {
    // The digits in order, with a space, dot or hyphen allowed between any two (138 1234 5678,
    // 138-1234-5678): in the text, or in the contact an Open311 client sent (details).
    const pattern = phonePattern(filter.phoneDigits);
    and.push(Prisma.sql`("text" ~ ${pattern} OR coalesce("details" #>> '{contact,phone}', '') ~ ${pattern})`);
  }
  if (filter.from) and.push(Prisma.sql`"createdAt" >= ${filter.from}`);
  if (filter.to) and.push(Prisma.sql`"createdAt" < ${filter.to}`);
  if (filter.resolved) and.push(Prisma.sql`"resolvedAt" IS NOT NULL`);
  if (filter.kind) and.push(KIND_FILTER_SQL[filter.kind]);
  return Prisma.join(and, " AND ");
}

export async function queryInbox(
  prisma: PrismaClient,
  filter: InboxFilter,
  ctx: TabContext,
): Promise<{ counts: InboxCounts; total: number; tickets: Ticket[] }> {
  const where = baseWhere(filter);
  const countColumns = Prisma.join(
    INBOX_TABS.map((tab) => Prisma.sql`count(*) FILTER (WHERE ${TAB_SQL[tab](ctx)})::int AS ${Prisma.raw(`"${tab}"`)}`),
    ", ",
  );
  const [countRows, tickets] = await Promise.all([
    prisma.$queryRaw<InboxCounts[]>`SELECT ${countColumns} FROM "Ticket" WHERE ${where}`,
    prisma.$queryRaw<Ticket[]>`SELECT * FROM "Ticket" WHERE ${where} AND ${TAB_SQL[filter.tab](ctx)}
      ORDER BY "deadlineAt" ASC NULLS LAST, "number" ASC LIMIT ${filter.limit} OFFSET ${filter.offset}`,
  ]);
  const counts = Object.fromEntries(INBOX_TABS.map((tab) => [tab, Number(countRows[0]?.[tab] ?? 0)])) as InboxCounts;
  return { counts, total: counts[filter.tab], tickets };
}
