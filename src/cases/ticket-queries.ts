// Finding tickets for staff and for Open311 clients: by status, overdue, department,
// category and filing date, newest first; and counting them, up to a cap.
import type { PrismaClient } from "../db/database.ts";
import type { Prisma } from "../generated/prisma/client.ts";

export interface TicketFilter {
  statuses?: string[];
  overdue?: boolean;
  departmentCode?: string;
  categories?: string[];
  numbers?: string[];
  /** Filed at or after. */
  from?: Date;
  /** Filed before. */
  to?: Date;
  limit: number;
  offset?: number;
}

export function ticketWhere(filter: Omit<TicketFilter, "limit" | "offset">): Prisma.TicketWhereInput {
  return {
    ...(filter.statuses && { status: { in: filter.statuses } }),
    ...(filter.overdue !== undefined && { overdue: filter.overdue }),
    ...(filter.departmentCode !== undefined && { departmentCode: filter.departmentCode }),
    ...(filter.categories && { category: { in: filter.categories } }),
    ...(filter.numbers && { number: { in: filter.numbers } }),
    ...((filter.from || filter.to) && {
      createdAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) },
    }),
  };
}

/** The newest tickets matching the filter, a page of them. */
export function findTickets(prisma: PrismaClient, filter: TicketFilter) {
  return prisma.ticket.findMany({
    where: ticketWhere(filter),
    orderBy: [{ createdAt: "desc" }, { number: "desc" }],
    take: filter.limit,
    skip: filter.offset ?? 0,
  });
}

/**
 * How many tickets a list's count stops at. Counting every match grew with the backlog: a
 * department's assigned tickets, read on each staff list (issue 16's soak, docs/benchmarks.md).
 */
export const TOTAL_CAP = 1000;

/** The tickets matching the filter, counted up to `cap`; capped: there are more. */
export async function countTickets(
  prisma: PrismaClient,
  filter: Omit<TicketFilter, "limit" | "offset">,
  cap = TOTAL_CAP,
): Promise<{ total: number; capped: boolean }> {
  const counted = await prisma.ticket.count({ where: ticketWhere(filter), take: cap + 1 });
  return { total: Math.min(counted, cap), capped: counted > cap };
}
