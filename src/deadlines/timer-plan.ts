// Which deadline timers a ticket needs, and when, derived from the database row alone
// (so they can be rebuilt at any time): reminders at 50% and 80% of the time, the
// breach (督办) at the deadline, and closing a resolved ticket nobody rated.
import { CLOCK_RUNNING_STATUSES, type TicketStatus } from "../tickets/ticket-status.ts";
import type { ClockState, DeadlineClock } from "./deadline-clock.ts";

export const TIMER_KINDS = ["remind50", "remind80", "breach", "autoclose"] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface PlannedTimer {
  kind: TimerKind;
  dueAt: Date;
}

/** The reminders: level (what remindersSent becomes) and share of the budget. */
export const REMINDERS = [
  { kind: "remind50", level: 1, share: 0.5 },
  { kind: "remind80", level: 2, share: 0.8 },
] as const;

const DAY_MS = 24 * 3600 * 1000;

/** The fields of a ticket row the plan reads (plain data, so the plan needs no database types). */
export interface PlannableTicket extends ClockState {
  status: string;
  remindersSent: number;
  overdue: boolean;
  resolvedAt: Date | null;
}

export function planTimers(ticket: PlannableTicket, clock: DeadlineClock, autoCloseDays: number): PlannedTimer[] {
  const timers: PlannedTimer[] = [];
  const running = CLOCK_RUNNING_STATUSES.includes(ticket.status as TicketStatus) && ticket.dueRunningSince !== null;
  if (running) {
    for (const reminder of REMINDERS) {
      if (ticket.remindersSent >= reminder.level) continue;
      const dueAt = clock.pointAt(ticket, reminder.share);
      if (dueAt) timers.push({ kind: reminder.kind, dueAt });
    }
    if (!ticket.overdue && ticket.deadlineAt) timers.push({ kind: "breach", dueAt: ticket.deadlineAt });
  }
  if (ticket.status === "resolved" && ticket.resolvedAt) {
    timers.push({ kind: "autoclose", dueAt: new Date(ticket.resolvedAt.getTime() + autoCloseDays * DAY_MS) });
  }
  return timers;
}

/**
 * The timers that must be waiting in the queue now: only the earliest of the planned
 * ones. When it fires, the ticket changes and the next one is set, so each open ticket
 * keeps one delayed job in Redis rather than three.
 */
export function nextTimers(planned: PlannedTimer[]): PlannedTimer[] {
  const earliest = planned.reduce<PlannedTimer | undefined>(
    (best, t) => (!best || t.dueAt < best.dueAt ? t : best),
    undefined,
  );
  return earliest ? [earliest] : [];
}
