// Gives a submitted ticket to a department (the routing queue's job). Safe to run
// twice for the same ticket: only a ticket still in "submitted" is assigned, under
// its row lock, so a redelivered job changes nothing.
import type { DuplicateFinder } from "../cases/duplicate-finder.ts";
import type { PrismaClient } from "../db/database.ts";
import type { RuleRouter, RuleRoutingDecision } from "../routing/rule-router.ts";
import { TICKET_SUBMITTED } from "./open-ticket.ts";
import { ActionRejected, type TicketActions } from "./ticket-actions.ts";

export type AssignResult =
  | { assigned: true; departmentCode: string }
  | { assigned: false; reason: string; mergedInto?: string };

export const ROUTER_ACTOR = "system:router";

export interface AssignDeps {
  prisma: PrismaClient;
  actions: TicketActions;
  router: RuleRouter;
  duplicates: DuplicateFinder;
}

export async function assignTicket({ prisma, actions, router, duplicates }: AssignDeps, ticketId: string): Promise<AssignResult> {
  const ticket = await prisma.ticket.findUnique({ where: { id: ticketId } });
  if (!ticket) return { assigned: false, reason: "ticket not found" };
  if (ticket.status !== TICKET_SUBMITTED) return { assigned: false, reason: `ticket is already ${ticket.status}` };

  const decision = router.route(ticket);
  // The same problem already reported and being worked: merge into it (并案) rather than assign again.
  const duplicate = await duplicates.findParent(ticket, decision);
  if (duplicate) {
    const { parent, similarity } = duplicate;
    try {
      await actions.apply(
        { id: ticketId },
        {
          type: "merge",
          parentId: parent.id,
          parentNumber: parent.number,
          reason: `与工单 ${parent.number} 反映同一问题，并案办理`,
          similarity: Math.round(similarity * 1000) / 1000,
          departmentCode: parent.departmentCode,
          category: decision.category,
          district: decision.district,
        },
        ROUTER_ACTOR,
      );
      return { assigned: false, reason: "merged", mergedInto: parent.number };
    } catch (error) {
      // The parent was finished meanwhile: this one is routed on its own instead.
      if (!(error instanceof ActionRejected && error.kind === "conflict")) throw error;
    }
  }
  try {
    await actions.apply(
      { id: ticketId },
      {
        type: "assign",
        departmentCode: decision.departmentCode,
        note: routingNote(decision),
        category: decision.category,
        district: decision.district,
        routing: { rule: decision.rule, evidence: decision.evidence ?? null },
      },
      ROUTER_ACTOR,
    );
  } catch (error) {
    // A concurrent delivery of the same job got there first.
    if (error instanceof ActionRejected && error.kind === "conflict") return { assigned: false, reason: "ticket was assigned concurrently" };
    throw error;
  }
  return { assigned: true, departmentCode: decision.departmentCode };
}

function routingNote(decision: RuleRoutingDecision): string {
  switch (decision.rule) {
    case "rule":
      return `按派单规则“${decision.evidence}”分派`;
    case "keyword":
      return `按关键词“${decision.evidence}”分派`;
    case "domain":
      return `按领域“${decision.evidence}”分派`;
    case "dispatcher":
      return "未匹配到责任部门，转派单中心人工分派";
  }
}
