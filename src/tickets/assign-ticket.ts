// Gives a submitted ticket to a department. Safe to run twice for the same ticket:
// only a ticket still in "submitted" changes, so a redelivered job does nothing.
import type { PrismaClient } from "../db/database.ts";
import type { DepartmentRouter } from "./department-router.ts";
import { TICKET_SUBMITTED } from "./open-ticket.ts";
import { appendTicketEvent } from "./ticket-events.ts";

export type AssignResult = { assigned: true; departmentCode: string } | { assigned: false; reason: string };

export async function assignTicket(prisma: PrismaClient, router: DepartmentRouter, ticketId: string): Promise<AssignResult> {
  const ticket = await prisma.ticket.findUnique({ where: { id: ticketId }, select: { text: true, domain: true, status: true } });
  if (!ticket) return { assigned: false, reason: "ticket not found" };
  if (ticket.status !== TICKET_SUBMITTED) return { assigned: false, reason: `ticket is already ${ticket.status}` };

  const decision = router.route(ticket);
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const changed = await tx.ticket.updateMany({
      where: { id: ticketId, status: TICKET_SUBMITTED },
      data: { status: "assigned", departmentCode: decision.departmentCode, assignedAt: now, updatedAt: now, version: { increment: 1 } },
    });
    if (changed.count === 0) return { assigned: false, reason: "ticket was assigned concurrently" } as const;
    const note =
      decision.rule === "dispatcher"
        ? "未匹配到责任部门，转派单中心人工分派"
        : `按${decision.rule === "keyword" ? "关键词" : "领域"}“${decision.evidence}”分派`;
    await appendTicketEvent(
      tx,
      ticketId,
      { type: "assigned", actor: "system:router", note, data: { departmentCode: decision.departmentCode, rule: decision.rule } },
      now,
    );
    return { assigned: true, departmentCode: decision.departmentCode } as const;
  });
}
