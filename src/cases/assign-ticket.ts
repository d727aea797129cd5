// Gives submitted tickets to departments (the routing queue's work). Tickets whose
// jobs run at the same time are routed together (group commit): read in one query,
// and all those assigned written in one statement, guarded by each ticket's version,
// so a redelivered or concurrent job changes nothing. A ticket repeating an open case
// is merged into it instead (并案), one by one, under row locks.
import type { DuplicateFinder } from "./duplicate-finder.ts";
import type { DeadlineTimers } from "./deadline-timers.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { RuleRouter, RuleRoutingDecision } from "../routing/rule-router.ts";
import { TICKET_SUBMITTED } from "./open-ticket.ts";
import { isComplaintKind } from "../tickets/ticket-kind.ts";
import { ActionRejected, type Applied, type TicketActions } from "./ticket-actions.ts";
import { readTickets, type TransitionWrite, writeTransitions } from "./ticket-writes.ts";

/** What routing decided, with the places the complaint names (kept for finding duplicates). */
type Decision = RuleRoutingDecision & { places: string[] };

export type AssignResult =
  | { assigned: true; departmentCode: string }
  | { assigned: false; reason: string; mergedInto?: string };

export const ROUTER_ACTOR = "system:router";

export interface AssignDeps {
  prisma: PrismaClient;
  actions: TicketActions;
  router: RuleRouter;
  duplicates: DuplicateFinder;
  timers: Pick<DeadlineTimers, "syncRows">;
}

interface Waiting {
  ticketId: string;
  resolve(result: AssignResult): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 100;

export class TicketAssigner {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly deps: AssignDeps,
    /**
     * Batches that may run at once. One: jobs that arrive while a batch is written wait
     * and go together in the next (measured: with two, most batches held one ticket).
     */
    private readonly maxConcurrent = 1,
  ) {}

  /** Routes one ticket; resolves once it is assigned, merged, or found already routed. */
  route(ticketId: string): Promise<AssignResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ticketId, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.maxConcurrent) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.assignMany(batch.map((w) => w.ticketId))
        .then((results) => batch.forEach((w) => w.resolve(results.get(w.ticketId)!)))
        .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async assignMany(ids: string[]): Promise<Map<string, AssignResult>> {
    const { prisma, router, duplicates, timers } = this.deps;
    const results = new Map<string, AssignResult>(
      ids.map((id) => [id, { assigned: false, reason: "ticket not found" }]),
    );
    const tickets = await readTickets(prisma, [...new Set(ids)]);

    // A redelivered job (the worker died after the commit): make sure the timers it set exist.
    const routed = tickets.filter((t) => t.status !== TICKET_SUBMITTED);
    for (const t of routed) results.set(t.id, { assigned: false, reason: `ticket is already ${t.status}` });
    if (routed.length > 0) await timers.syncRows(routed);

    const submitted = tickets.filter((t) => t.status === TICKET_SUBMITTED);
    const decided = submitted.map((ticket) => ({
      ticket,
      decision: { ...router.route(ticket), places: duplicates.placesOf(ticket.text) },
    }));
    // Only complaints repeat one another (并案); a suggestion or praise is always its own case.
    const parents = await duplicates.findParents(
      decided
        .filter(({ ticket }) => isComplaintKind(ticket.kind))
        .map(({ ticket, decision }) => ({ ticket, place: decision })),
    );
    const toAssign: { ticket: Ticket; decision: Decision }[] = [];
    for (const { ticket, decision } of decided) {
      const duplicate = parents.get(ticket.id);
      // The same problem already reported and being worked: merge into it (并案) rather than assign again.
      const merged = duplicate && (await this.merge(ticket, decision, duplicate.parent, duplicate.similarity));
      if (merged) results.set(ticket.id, { assigned: false, reason: "merged", mergedInto: duplicate.parent.number });
      else toAssign.push({ ticket, decision });
    }
    for (const [id, result] of await this.assign(toAssign)) results.set(id, result);
    return results;
  }

  /** Merges a ticket into its parent; false when the parent was finished meanwhile. */
  private async merge(ticket: Ticket, decision: Decision, parent: Ticket, similarity: number): Promise<boolean> {
    try {
      await this.deps.actions.apply(
        { id: ticket.id },
        {
          type: "merge",
          parentId: parent.id,
          parentNumber: parent.number,
          reason: `与工单 ${parent.number} 反映同一问题，并案办理`,
          similarity: Math.round(similarity * 1000) / 1000,
          departmentCode: parent.departmentCode,
          category: decision.category,
          district: decision.district,
          places: decision.places,
        },
        ROUTER_ACTOR,
      );
      return true;
    } catch (error) {
      if (error instanceof ActionRejected && error.kind === "conflict") return false;
      throw error;
    }
  }

  /**
   * The last resort when routing a ticket kept failing: the dispatch centre gets it, on
   * the record, rather than leaving it submitted with no one to see it. Already routed: nothing.
   */
  async toDispatchCentre(ticketId: string, note: string): Promise<AssignResult> {
    const departmentCode = this.deps.router.dispatcher;
    const decision: Decision = { departmentCode, rule: "dispatcher", category: null, district: null, places: [] };
    try {
      await this.deps.actions.applyOptimistic(ticketId, { ...assignAction(decision), note }, ROUTER_ACTOR);
      return { assigned: true, departmentCode };
    } catch (error) {
      if (error instanceof ActionRejected) return { assigned: false, reason: error.message };
      throw error;
    }
  }

  /** Assigns tickets in one statement; any that changed meanwhile are retried one by one. */
  private async assign(items: { ticket: Ticket; decision: Decision }[]): Promise<Map<string, AssignResult>> {
    const { prisma, actions } = this.deps;
    const results = new Map<string, AssignResult>();
    const now = new Date();
    const planned: { ticket: Ticket; decision: Decision; applied: Omit<Applied, "ticket">; write: TransitionWrite }[] =
      [];
    for (const { ticket, decision } of items) {
      const { transition, write } = actions.plan(ticket, assignAction(decision), ROUTER_ACTOR, now);
      planned.push({
        ticket,
        decision,
        applied: { transition, actor: ROUTER_ACTOR },
        write: { ...write, expectedVersion: ticket.version },
      });
    }
    const updated = new Map(
      (
        await writeTransitions(
          prisma,
          planned.map((p) => p.write),
        )
      ).map((t) => [t.id, t]),
    );
    const applied: Applied[] = [];
    for (const p of planned) {
      const ticket = updated.get(p.ticket.id);
      if (ticket) {
        applied.push({ ...p.applied, ticket });
        results.set(ticket.id, { assigned: true, departmentCode: p.decision.departmentCode });
        continue;
      }
      // Someone changed it between our read and our write (e.g. a redelivered job): decide again.
      try {
        await actions.applyOptimistic(p.ticket.id, assignAction(p.decision), ROUTER_ACTOR);
        results.set(p.ticket.id, { assigned: true, departmentCode: p.decision.departmentCode });
      } catch (error) {
        if (!(error instanceof ActionRejected && error.kind === "conflict")) throw error;
        results.set(p.ticket.id, { assigned: false, reason: "ticket was assigned concurrently" });
      }
    }
    await actions.afterCommit(applied);
    return results;
  }
}

function assignAction(decision: Decision) {
  return {
    type: "assign",
    departmentCode: decision.departmentCode,
    note: routingNote(decision),
    category: decision.category,
    district: decision.district,
    places: decision.places,
    routing: { rule: decision.rule, evidence: decision.evidence ?? null },
  } as const;
}

function routingNote(decision: Decision): string {
  switch (decision.rule) {
    case "named":
      return `按表扬对象“${decision.evidence}”分派`;
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
