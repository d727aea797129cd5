// The states of a ticket. The README has the diagram; src/tickets/lifecycle.ts says
// which action moves a ticket from one state to another.

export const TICKET_STATUSES = [
  /** Filed, waiting for routing. */
  "submitted",
  /** Given to a department (possibly the dispatch centre), not yet acknowledged. */
  "assigned",
  /** The department acknowledged it (签收). */
  "accepted",
  "in_progress",
  /** Waiting for the citizen (挂起); the deadline clock is paused. */
  "suspended",
  /** Handed back to the dispatch centre by a department (退单). */
  "returned",
  /** A poor rating waits for a supervisor's decision (when CASE_LOW_RATING=review). */
  "review",
  /** The department replied; waiting for the citizen's rating. */
  "resolved",
  "closed",
  /** Outside the government's remit (不予受理). */
  "rejected",
  /** Merged into a parent case (并案); the parent is worked instead. */
  "merged",
] as const;

export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** States in which a department still owes the citizen an answer. */
export const OPEN_STATUSES: readonly TicketStatus[] = [
  "submitted",
  "assigned",
  "accepted",
  "in_progress",
  "suspended",
  "returned",
  "review",
];

/** States nothing leaves except a reopen. */
export const FINISHED_STATUSES: readonly TicketStatus[] = ["resolved", "closed", "rejected", "merged"];

/** States in which the deadline clock runs. */
export const CLOCK_RUNNING_STATUSES: readonly TicketStatus[] = ["assigned", "accepted", "in_progress", "returned"];

export function isTicketStatus(value: string): value is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(value);
}

/** What a citizen reads for each state. */
export const STATUS_LABELS: Record<TicketStatus, string> = {
  submitted: "已登记，正在分派",
  assigned: "已分派，等待部门签收",
  accepted: "部门已签收",
  in_progress: "正在办理",
  suspended: "暂停办理，等待您补充信息",
  returned: "正在重新分派",
  review: "办理结果复核中",
  resolved: "已办结，等待您的评价",
  closed: "已办结",
  rejected: "不予受理",
  merged: "已并案办理",
};

/** The label of a status read from a row (a string); an unknown one is shown as it is. */
export function statusLabel(status: string): string {
  return isTicketStatus(status) ? STATUS_LABELS[status] : status;
}
