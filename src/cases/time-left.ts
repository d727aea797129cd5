// How much time a ticket has left before its deadline, as the workbench shows it:
// working seconds on the working calendar (weekends and holidays do not count),
// negative once overdue. While the clock is paused (挂起) the deadline stands still
// in the row but the time left does not shrink, so it is the budget not yet used.
// A finished ticket (resolved, closed, rejected, merged) has no time left to count: null.
import type { WorkingCalendar } from "../calendar/working-calendar.ts";
import type { ClockState } from "../deadlines/deadline-clock.ts";
import { FINISHED_STATUSES, type TicketStatus } from "../tickets/ticket-status.ts";

export function workingSecondsLeft(
  ticket: ClockState & { status: string },
  calendar: WorkingCalendar,
  now: Date,
): number | null {
  if (!ticket.deadlineAt || FINISHED_STATUSES.includes(ticket.status as TicketStatus)) return null;
  if (!ticket.dueRunningSince && ticket.dueBudgetSeconds !== null)
    return ticket.dueBudgetSeconds - ticket.dueUsedSeconds;
  const ms =
    ticket.deadlineAt.getTime() >= now.getTime()
      ? calendar.workingTimeBetween(now, ticket.deadlineAt)
      : -calendar.workingTimeBetween(ticket.deadlineAt, now);
  return Math.trunc(ms / 1000);
}
