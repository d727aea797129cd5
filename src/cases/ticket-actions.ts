// Applies lifecycle actions to tickets: decide with the pure state machine, move the
// deadline clock, append the hash-chained event and update the ticket in one
// statement, and write what the change tells citizens and staff (notices go through
// the outbox) in the same transaction.
//
// Concurrency, two ways over the same planning and the same write:
// - apply()/applyIn(): an interactive transaction holding the ticket's row lock
//   (SELECT … FOR UPDATE), so concurrent actions on one ticket run one after the other
//   and each sees the state the previous one left. Used for everything with effects.
// - applyOptimistic(): for transitions that write nothing but the ticket and its event
//   (routing's assignment, the hot path): one statement guarded by the ticket's version;
//   if someone changed the ticket meanwhile, it re-reads and decides again.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { ClockRules, ClockState, DeadlineClock } from "../deadlines/deadline-clock.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import {
  decide,
  type LifecycleContext,
  type TicketAction,
  type TicketState,
  type Transition,
} from "../tickets/lifecycle.ts";
import { chainedEvent } from "../tickets/ticket-events.ts";
import { kindOf, type TicketKind } from "../tickets/ticket-kind.ts";
import type { TicketStatus } from "../tickets/ticket-status.ts";
import { readTicket, type TransitionWrite, writeTransition } from "./ticket-writes.ts";

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
  /** The deadline budget of a ticket of this category and kind (a suggestion has its own). */
  clockRules(category: string | null, kind: TicketKind): ClockRules;
  effects: ActionEffects;
}

export interface ApplyOptions {
  /** Optimistic check: refuse if the ticket's version moved on since the caller read it. */
  expectedVersion?: number;
  now?: Date;
}

// A deadlock between two transactions (PostgreSQL aborts one) or a lost version race is retried.
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
  async applyIn(
    tx: Tx,
    ref: TicketRef,
    action: TicketAction,
    actor: string,
    options: ApplyOptions = {},
  ): Promise<Applied[]> {
    const now = options.now ?? new Date();
    const applied: Applied[] = [];
    if (action.type !== "merge") {
      const ticket = await readTicket(tx, ref, true);
      if (!ticket) throw notFound(ref);
      await this.applyLocked(tx, ticket, action, actor, now, applied, options.expectedVersion);
      return applied;
    }
    // A merge touches two tickets: lock both in id order, so two actions never wait on each other.
    const found = await readTicket(tx, ref);
    if (!found) throw notFound(ref);
    await refuseMergeCycle(tx, found, action.parentId);
    const locked = new Map<string, Ticket>();
    for (const id of [...new Set([found.id, action.parentId])].sort()) {
      const row = await readTicket(tx, { id }, true);
      if (!row) throw notFound({ id });
      locked.set(id, row);
    }
    await this.applyLocked(tx, locked.get(found.id)!, action, actor, now, applied, options.expectedVersion);
    await this.applyLocked(
      tx,
      locked.get(action.parentId)!,
      { type: "link", childId: found.id, childNumber: found.number },
      actor,
      now,
      applied,
    );
    return applied;
  }

  /**
   * Applies an action without an interactive transaction, guarded by the ticket's
   * version. Only for actions whose transition has no effects inside a transaction
   * (no notice, no staff alert, no cascade); anything else goes through apply().
   */
  async applyOptimistic(
    id: string,
    action: TicketAction,
    actor: string,
    options: { now?: Date; ticket?: Ticket } = {},
  ): Promise<Applied> {
    for (let attempt = 1; ; attempt++) {
      const now = options.now ?? new Date();
      // The caller may hand over the row it just read; a retry reads it afresh.
      const ticket = attempt === 1 && options.ticket ? options.ticket : await readTicket(this.deps.prisma, { id });
      if (!ticket) throw notFound({ id });
      const planned = this.plan(ticket, action, actor, now);
      const { transition } = planned;
      if (
        transition.citizenNotice ||
        transition.staffAlert ||
        action.type === "merge" ||
        transition.to === "resolved"
      ) {
        return this.apply({ id }, action, actor, { ...(options.now && { now: options.now }) });
      }
      const updated = await writeTransition(this.deps.prisma, { ...planned.write, expectedVersion: ticket.version });
      if (updated) {
        const applied = [{ ticket: updated, transition, actor }];
        await this.deps.effects.afterCommit(applied);
        return applied[0]!;
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new ActionRejected("conflict", `${ticket.number}: changed concurrently; try again`);
    }
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

  /** The transition and the write that records it; throws ActionRejected when not allowed. */
  plan(
    ticket: Ticket,
    action: TicketAction,
    actor: string,
    now: Date,
    expectedVersion?: number,
  ): { transition: Transition; write: TransitionWrite } {
    if (expectedVersion !== undefined && ticket.version !== expectedVersion) {
      throw new ActionRejected(
        "conflict",
        `ticket ${ticket.number} changed (version ${ticket.version}, expected ${expectedVersion}); reload it and try again`,
      );
    }
    const decision = decide(stateOf(ticket), action, { ...this.deps.lifecycle, now });
    if (!decision.ok) throw new ActionRejected(decision.kind, `${ticket.number}: ${decision.message}`);
    const transition = decision.transition;
    const { reopenCountIncrement, ...changes } = transition.changes;

    const category = changes.category !== undefined ? changes.category : ticket.category;
    const clock = this.deps.clock.apply(
      transition.clock,
      clockOf(ticket),
      now,
      this.deps.clockRules(category, kindOf(ticket.kind)),
      transition.deadlineTo,
    );
    // A deadline set or moved is on the record, so no one can quietly push it back.
    const data = clockMoved(transition.clock)
      ? { ...transition.event.data, deadlineAt: clock.deadlineAt?.toISOString() ?? null }
      : transition.event.data;
    const event = chainedEvent(ticket.id, ticket, { ...transition.event, data, actor }, now);
    const resolvedOnTime =
      transition.to === "resolved" && transition.from !== "resolved"
        ? !ticket.overdue && clock.dueUsedSeconds <= (clock.dueBudgetSeconds ?? Number.POSITIVE_INFINITY)
        : reopenCountIncrement
          ? null
          : undefined;
    return {
      transition,
      write: {
        ticketId: ticket.id,
        set: {
          ...changes,
          ...clock,
          status: transition.to,
          updatedAt: now,
          eventCount: event.seq,
          headHash: event.hash,
          ...(resolvedOnTime !== undefined && { resolvedOnTime }),
        },
        incrementReopenCount: reopenCountIncrement === true,
        event: { ...event, id: randomUUID() },
      },
    };
  }

  /** Applies an action to a ticket whose row this transaction has locked (and read). */
  private async applyLocked(
    tx: Tx,
    ticket: Ticket,
    action: TicketAction,
    actor: string,
    now: Date,
    applied: Applied[],
    expectedVersion?: number,
  ): Promise<void> {
    const { transition, write } = this.plan(ticket, action, actor, now, expectedVersion);
    const updated = (await writeTransition(tx, write))!;
    const result: Applied = { ticket: updated, transition, actor };
    applied.push(result);
    await this.deps.effects.inTransaction(tx, result);

    // A resolved parent (并案) tells every linked ticket, in the same transaction.
    if (transition.to === "resolved" && transition.from !== "resolved") {
      const children = await tx.ticket.findMany({
        where: { parentId: ticket.id, status: "merged" },
        select: { id: true },
        orderBy: { id: "asc" },
      });
      for (const child of children) {
        const row = await readTicket(tx, { id: child.id }, true);
        if (row)
          await this.applyLocked(
            tx,
            row,
            { type: "parent_resolved", parentNumber: updated.number, reply: updated.resolution ?? "" },
            actor,
            now,
            applied,
          );
      }
    }
  }
}

/** Merging into itself, or into a ticket merged (at any depth) into it, would make a cycle: 409. */
async function refuseMergeCycle(tx: Tx, ticket: Ticket, parentId: string): Promise<void> {
  if (parentId === ticket.id)
    throw new ActionRejected("conflict", `${ticket.number}: 工单不能并入自身 (a ticket cannot be merged into itself)`);
  const seen = new Set<string>();
  let id: string | null = parentId;
  while (id !== null && !seen.has(id)) {
    seen.add(id);
    const row: { parentId: string | null } | null = await tx.ticket.findUnique({
      where: { id },
      select: { parentId: true },
    });
    id = row?.parentId ?? null;
    if (id === ticket.id)
      throw new ActionRejected(
        "conflict",
        `${ticket.number}: 不能并入已并入本工单的工单，否则形成循环 (merging into a ticket merged into this one would make a cycle)`,
      );
  }
}

function notFound(ref: TicketRef): ActionRejected {
  return new ActionRejected("not_found", `no ticket ${"id" in ref ? ref.id : ref.number}`);
}

function clockMoved(op: Transition["clock"]): boolean {
  return op === "start" || op === "restart" || op === "keep" || op === "resume" || op === "extend";
}

/** The lifecycle's view of a ticket row. */
export function stateOf(ticket: Ticket): TicketState {
  return {
    deadlineAt: ticket.deadlineAt,
    clockRunning: ticket.dueRunningSince !== null,
    extensionRequestedUntil: ticket.extensionRequestedUntil,
    status: ticket.status as TicketStatus,
    kind: kindOf(ticket.kind),
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
  return (
    e.code === "P2034" ||
    e.code === "40P01" ||
    e.code === "40001" ||
    e.cause?.code === "40P01" ||
    /deadlock detected/i.test(e.message ?? "")
  );
}
