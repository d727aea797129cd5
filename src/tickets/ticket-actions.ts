// Applies lifecycle actions to tickets. One transaction per action: lock the ticket
// row (SELECT … FOR UPDATE), decide with the pure state machine, move the deadline
// clock, append the hash-chained event, update the ticket, and write what the change
// tells citizens and staff (notices go through the outbox). Concurrent actions on one
// ticket therefore run one after the other, and each sees the state the previous left.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { ClockRules, ClockState, DeadlineClock } from "../deadlines/deadline-clock.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import { decide, type LifecycleContext, type TicketAction, type TicketState, type Transition } from "./lifecycle.ts";
import { appendTicketEvent } from "./ticket-events.ts";
import type { TicketStatus } from "./ticket-status.ts";

export type TicketRef = { id: string } | { number: string };

/** Why an action was refused: conflict → HTTP 409, invalid → 400, not_found → 404. */
export class ActionRejected extends Error {
  override name = "ActionRejected";
  constructor(
    readonly kind: "conflict" | "invalid" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

export interface Applied {
  ticket: Ticket;
  transition: Transition;
  actor: string;
}

/** What a transition causes beyond the ticket itself (notices, timers). */
export interface ActionEffects {
  /** In the action's transaction: notices to citizens and staff. */
  inTransaction(tx: Tx, applied: Applied): Promise<void>;
  /** After the commit: timers, relay kick. Must not throw. */
  afterCommit(applied: Applied[]): Promise<void>;
}

export interface TicketActionsDeps {
  prisma: PrismaClient;
  lifecycle: Omit<LifecycleContext, "now">;
  clock: DeadlineClock;
  clockRules(category: string | null): ClockRules;
  effects: ActionEffects;
}

export interface ApplyOptions {
  /** Optimistic check: refuse if the ticket's version moved on since the caller read it. */
  expectedVersion?: number;
  now?: Date;
}

// A deadlock between two transactions (PostgreSQL aborts one) is retried.
const MAX_ATTEMPTS = 3;

export class TicketActions {
  constructor(private readonly deps: TicketActionsDeps) {}

  /** Applies one action (and what it cascades to) in its own transaction. */
  async apply(ref: TicketRef, action: TicketAction, actor: string, options: ApplyOptions = {}): Promise<Applied> {
    const applied = await this.transaction((tx) => this.applyIn(tx, ref, action, actor, options));
    await this.deps.effects.afterCommit(applied);
    return applied[0]!;
  }

  /** Applies one action inside the caller's transaction; the caller runs afterCommit. */
  async applyIn(tx: Tx, ref: TicketRef, action: TicketAction, actor: string, options: ApplyOptions = {}): Promise<Applied[]> {
    const now = options.now ?? new Date();
    const id = await this.idOf(tx, ref);
    // Lock every ticket the action touches, in id order, so two actions never wait on each other.
    const touched = action.type === "merge" ? [id, action.parentId] : [id];
    for (const ticketId of [...new Set(touched)].sort()) await lockTicket(tx, ticketId);
    const applied: Applied[] = [];
    await this.applyLocked(tx, id, action, actor, now, applied, options.expectedVersion);
    return applied;
  }

  async afterCommit(applied: Applied[]): Promise<void> {
    await this.deps.effects.afterCommit(applied);
  }

  /** Runs fn in a transaction, retrying when PostgreSQL broke a deadlock by aborting it. */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.prisma.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isDeadlock(error)) throw error;
      }
    }
  }

  private async applyLocked(
    tx: Tx,
    id: string,
    action: TicketAction,
    actor: string,
    now: Date,
    applied: Applied[],
    expectedVersion?: number,
  ): Promise<void> {
    const ticket = await tx.ticket.findUniqueOrThrow({ where: { id } });
    if (expectedVersion !== undefined && ticket.version !== expectedVersion) {
      throw new ActionRejected("conflict", `ticket ${ticket.number} changed (version ${ticket.version}, expected ${expectedVersion}); reload it and try again`);
    }
    const decision = decide(stateOf(ticket), action, { ...this.deps.lifecycle, now });
    if (!decision.ok) throw new ActionRejected(decision.kind, `${ticket.number}: ${decision.message}`);
    const transition = decision.transition;
    const { changes } = transition;

    const category = changes.category !== undefined ? changes.category : ticket.category;
    const clock = this.deps.clock.apply(transition.clock, clockOf(ticket), now, this.deps.clockRules(category));
    // A deadline set or moved is on the record, so no one can quietly push it back.
    const event = clockMoved(transition.clock) ? { ...transition.event, data: { ...transition.event.data, deadlineAt: clock.deadlineAt?.toISOString() ?? null } } : transition.event;
    const head = await appendTicketEvent(tx, ticket.id, ticket, { ...event, actor }, now);
    const resolvedOnTime =
      transition.to === "resolved" && transition.from !== "resolved"
        ? !ticket.overdue && clock.dueUsedSeconds <= (clock.dueBudgetSeconds ?? Number.POSITIVE_INFINITY)
        : undefined;

    const { reopenCountIncrement, ...fields } = changes;
    const updated = await tx.ticket.update({
      where: { id },
      data: {
        ...fields,
        ...clock,
        status: transition.to,
        version: { increment: 1 },
        updatedAt: now,
        eventCount: head.eventCount,
        headHash: head.headHash,
        ...(resolvedOnTime !== undefined && { resolvedOnTime }),
        ...(reopenCountIncrement && { reopenCount: { increment: 1 }, resolvedOnTime: null }),
      },
    });
    const result: Applied = { ticket: updated, transition, actor };
    applied.push(result);
    await this.deps.effects.inTransaction(tx, result);

    // What the action cascades to, in the same transaction.
    if (action.type === "merge") {
      await this.applyLocked(tx, action.parentId, { type: "link", childId: ticket.id, childNumber: ticket.number }, actor, now, applied);
    }
    if (transition.to === "resolved" && transition.from !== "resolved") {
      const children = await tx.ticket.findMany({ where: { parentId: id, status: "merged" }, select: { id: true }, orderBy: { id: "asc" } });
      for (const child of children) {
        await lockTicket(tx, child.id);
        const reply = updated.resolution ?? "";
        await this.applyLocked(tx, child.id, { type: "parent_resolved", parentNumber: updated.number, reply }, actor, now, applied);
      }
    }
  }

  private async idOf(tx: Tx, ref: TicketRef): Promise<string> {
    const found = await tx.ticket.findUnique({ where: "id" in ref ? { id: ref.id } : { number: ref.number }, select: { id: true } });
    if (!found) throw new ActionRejected("not_found", `no ticket ${"id" in ref ? ref.id : ref.number}`);
    return found.id;
  }
}

function clockMoved(op: Transition["clock"]): boolean {
  return op === "start" || op === "restart" || op === "keep" || op === "resume";
}

async function lockTicket(tx: Tx, id: string): Promise<void> {
  await tx.$queryRaw`SELECT "id" FROM "Ticket" WHERE "id" = ${id} FOR UPDATE`;
}

function stateOf(ticket: Ticket): TicketState {
  return {
    status: ticket.status as TicketStatus,
    departmentCode: ticket.departmentCode,
    parentId: ticket.parentId,
    resolvedAt: ticket.resolvedAt,
    remindersSent: ticket.remindersSent,
    overdue: ticket.overdue,
  };
}

export function clockOf(ticket: Ticket): ClockState {
  return {
    deadlineAt: ticket.deadlineAt,
    dueBasis: ticket.dueBasis,
    dueBudgetSeconds: ticket.dueBudgetSeconds,
    dueUsedSeconds: ticket.dueUsedSeconds,
    dueRunningSince: ticket.dueRunningSince,
  };
}

/** Prisma's P2034 (write conflict or deadlock) or PostgreSQL's 40P01 / 40001. */
function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: { code?: string } } | null;
  if (!e) return false;
  return e.code === "P2034" || e.code === "40P01" || e.code === "40001" || e.cause?.code === "40P01" || /deadlock detected/i.test(e.message ?? "");
}
