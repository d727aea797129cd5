// Finding tickets for staff and for Open311 clients: by status, overdue, department,
// category and filing date, newest first.
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

export async function findTickets(prisma: PrismaClient, filter: TicketFilter) {
  const where = ticketWhere(filter);
  const [total, tickets] = await Promise.all([
    prisma.ticket.count({ where }),
    prisma.ticket.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { number: "desc" }],
      take: filter.limit,
      skip: filter.offset ?? 0,
    }),
  ]);
  return { total, tickets };
}
