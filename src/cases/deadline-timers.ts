// The deadline timers as BullMQ delayed jobs, one per ticket and kind
// (jobId = "<ticket id>-<kind>", so adding one twice is harmless); only a ticket's next
// timer waits in the queue, and firing it sets the one after. The database is the
// truth: sync() makes a ticket's jobs match its row after every change, rebuild() does
// it for every ticket that can still have a timer (when a worker starts, and every few
// minutes, so jobs lost with Redis's data come back), and fire() re-checks the row
// before acting, so a late, early or repeated job never acts twice or wrongly.
import type { Job, Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import { ActionRejected, type TicketActions } from "./ticket-actions.ts";
import type { TicketStatus } from "../tickets/ticket-status.ts";
import type { DeadlineClock } from "../deadlines/deadline-clock.ts";
import {
  nextTimers,
  type PlannedTimer,
  planTimers,
  REMINDERS,
  TIMER_KINDS,
  type TimerKind,
} from "../deadlines/timer-plan.ts";
import { jobsMatching, type WantedTimer } from "./timer-check.ts";

export const DEADLINE_ACTOR = "system:deadline";

export interface TimerJob {
  ticketId: string;
  kind: TimerKind;
  /** When it is meant to fire (ms since epoch), to tell whether the job still matches the row. */
  dueAt: number;
}

export type FireOutcome = { outcome: "fired" } | { outcome: "not-pending" } | { outcome: "not-due"; dueAt: Date };

/** Statuses in which a ticket may have timers (see planTimers). */
const TIMED_STATUSES: TicketStatus[] = ["assigned", "accepted", "in_progress", "returned", "resolved"];
const PAGE = 500;
// Jobs within this of their due time count as on time (clock skew between processes).
const TOLERANCE_MS = 1_000;

/** One of a ticket's timer jobs, as its row wants it. */
type TicketTimer = WantedTimer & { ticketId: string; kind: TimerKind };

export function timerJobId(ticketId: string, kind: TimerKind): string {
  return `${ticketId}-${kind}`;
}

export class DeadlineTimers {
  constructor(
    private readonly deps: {
      queue: Queue;
      prisma: PrismaClient;
      clock: DeadlineClock;
      actions: TicketActions;
      autoCloseDays: number;
      log: Logger;
    },
  ) {}

  plan(ticket: Ticket): PlannedTimer[] {
    return planTimers(ticket, this.deps.clock, this.deps.autoCloseDays);
  }

  /** Makes the delayed jobs of these tickets match their rows (read afresh). */
  async sync(ticketIds: string[]): Promise<void> {
    const tickets = await this.deps.prisma.ticket.findMany({ where: { id: { in: ticketIds } } });
    await this.syncRows(tickets);
  }

  /** Makes the delayed jobs of these tickets match the rows given (just written by the caller). */
  async syncRows(tickets: Ticket[]): Promise<void> {
    await Promise.all(tickets.map((ticket) => this.syncTicket(ticket)));
  }

  /**
   * Sets the timers of tickets that cannot have any yet (just assigned from "submitted"):
   * one round trip to Redis. Adding is idempotent on the job id, so a repeat is harmless.
   */
  async addFirst(tickets: Ticket[]): Promise<void> {
    const now = Date.now();
    const jobs = tickets.flatMap((ticket) =>
      nextTimers(this.plan(ticket)).map((t) => ({
        name: "timer",
        data: { ticketId: ticket.id, kind: t.kind, dueAt: t.dueAt.getTime() } satisfies TimerJob,
        opts: { jobId: timerJobId(ticket.id, t.kind), delay: Math.max(0, t.dueAt.getTime() - now) },
      })),
    );
    if (jobs.length > 0) await this.deps.queue.addBulk(jobs);
  }

  /**
   * sync() for every ticket that may have timers; returns how many tickets were checked. A page
   * of tickets' jobs is checked in one pipelined round trip (timer-check.ts); only the jobs that
   * do not match their row take sync()'s per-job path (issue 16: one job at a time, 42,550 open
   * tickets took ~200,000 round trips every 5 minutes).
   */
  async rebuild(): Promise<number> {
    let checked = 0;
    let after = "";
    for (;;) {
      const tickets = await this.deps.prisma.ticket.findMany({
        where: { status: { in: TIMED_STATUSES }, id: { gt: after } },
        orderBy: { id: "asc" },
        take: PAGE,
      });
      if (tickets.length === 0) return checked;
      const wanted = tickets.map((ticket) => this.wanted(ticket));
      const matching = await jobsMatching(this.deps.queue, wanted, TOLERANCE_MS);
      const differing = wanted.flatMap((timers, i) => timers.filter((_, k) => !matching[i]![k]));
      for (let i = 0; i < differing.length; i += 200)
        await Promise.all(differing.slice(i, i + 200).map((timer) => this.syncJob(timer)));
      checked += tickets.length;
      after = tickets[tickets.length - 1]!.id;
    }
  }

  /** The job's work: act if the timer is still due, per the database. */
  async fire(job: Pick<TimerJob, "ticketId" | "kind">, now = new Date()): Promise<FireOutcome> {
    const ticket = await this.deps.prisma.ticket.findUnique({ where: { id: job.ticketId } });
    const planned = ticket && this.plan(ticket).find((t) => t.kind === job.kind);
    if (!ticket || !planned) return { outcome: "not-pending" };
    if (planned.dueAt.getTime() > now.getTime() + TOLERANCE_MS) return { outcome: "not-due", dueAt: planned.dueAt };
    try {
      await this.deps.actions.apply({ id: ticket.id }, this.actionFor(job.kind, ticket), DEADLINE_ACTOR, { now });
      return { outcome: "fired" };
    } catch (error) {
      // Someone changed the ticket meanwhile (resolved it, or another worker fired first).
      if (error instanceof ActionRejected && error.kind === "conflict") return { outcome: "not-pending" };
      throw error;
    }
  }

  private actionFor(kind: TimerKind, ticket: Ticket) {
    switch (kind) {
      case "remind50":
      case "remind80": {
        const reminder = REMINDERS.find((r) => r.kind === kind)!;
        return { type: "remind", level: reminder.level, percent: reminder.share * 100 } as const;
      }
      case "breach":
        return { type: "escalate", deadlineAt: ticket.deadlineAt ?? new Date() } as const;
      case "autoclose":
        return { type: "close", note: "评价期已满，自动归档" } as const;
    }
  }

  /** Each of the ticket's timer jobs, with when it should fire (undefined: no job should wait). */
  private wanted(ticket: Ticket): TicketTimer[] {
    const planned = new Map(nextTimers(this.plan(ticket)).map((t) => [t.kind, t.dueAt.getTime()]));
    return TIMER_KINDS.map((kind) => ({
      jobId: timerJobId(ticket.id, kind),
      ticketId: ticket.id,
      kind,
      dueAt: planned.get(kind),
    }));
  }

  private async syncTicket(ticket: Ticket): Promise<void> {
    await Promise.all(this.wanted(ticket).map((timer) => this.syncJob(timer)));
  }

  private async syncJob({ ticketId, kind, jobId, dueAt }: TicketTimer): Promise<void> {
    const { queue } = this.deps;
    const job: Job<TimerJob> | undefined = await queue.getJob(jobId);
    const state = job ? await job.getState() : undefined;
    if (dueAt === undefined) {
      // Nothing to do any more; an active job re-checks the row and ends by itself.
      if (job && (state === "delayed" || state === "waiting")) await job.remove().catch(() => undefined);
      return;
    }
    const delay = Math.max(0, dueAt - Date.now());
    if (job && state === "delayed") {
      if (Math.abs(job.data.dueAt - dueAt) > TOLERANCE_MS) {
        await job.updateData({ ...job.data, dueAt });
        await job.changeDelay(delay);
      }
      return;
    }
    if (job && (state === "waiting" || state === "active" || state === "prioritized" || state === "waiting-children"))
      return;
    if (job) await job.remove().catch(() => undefined); // finished before; the timer was set again
    await queue.add("timer", { ticketId, kind, dueAt } satisfies TimerJob, { jobId, delay });
  }
}
