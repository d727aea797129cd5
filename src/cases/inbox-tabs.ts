// The workbench inbox's tabs (工作台): which tickets each one holds, once as a pure
// predicate over a ticket's fields and once as the same condition in SQL (what the
// inbox query runs). A ticket may be in several tabs (办理中 and 临期, say); the
// counts are per tab. 全部 holds every ticket but those merged into another (并案): they
// are worked, and counted in the KPIs, with their parent, whose page lists them.
import { Prisma } from "../generated/prisma/client.ts";
import { CLOCK_RUNNING_STATUSES, OPEN_STATUSES } from "../tickets/ticket-status.ts";

export const INBOX_TABS = [
  "pending",
  "in_progress",
  "due_soon",
  "overdue",
  "returned",
  "awaiting_rating",
  "done",
  "all",
  "dispatch",
  "review",
] as const;
export type InboxTab = (typeof INBOX_TABS)[number];

export const INBOX_TAB_LABELS: Record<InboxTab, string> = {
  pending: "待签收",
  in_progress: "办理中",
  due_soon: "临期",
  overdue: "已超期",
  returned: "被退回",
  awaiting_rating: "待评价",
  done: "已办结",
  all: "全部",
  dispatch: "派单队列",
  review: "复核",
};

export interface TabContext {
  now: Date;
  /** Deadlines up to here are 临期: now plus WORKBENCH_DUE_SOON_HOURS of working time. */
  dueSoonUntil: Date;
  /** The dispatch centre's department code (派单中心, intents/departments.yaml). */
  dispatcher: string;
}

export interface TabRow {
  status: string;
  departmentCode: string | null;
  overdue: boolean;
  deadlineAt: Date | null;
  dueRunningSince: Date | null;
}

const IN_PROGRESS = ["accepted", "in_progress", "suspended"];
const clockRuns = (t: TabRow) => CLOCK_RUNNING_STATUSES.includes(t.status as never) && t.dueRunningSince !== null;
// Past the deadline counts as overdue even before the breach timer has marked it (督办).
const isOverdue = (t: TabRow, ctx: TabContext) =>
  OPEN_STATUSES.includes(t.status as never) &&
  (t.overdue || (clockRuns(t) && t.deadlineAt !== null && t.deadlineAt <= ctx.now));

export const TAB_PREDICATES: Record<InboxTab, (t: TabRow, ctx: TabContext) => boolean> = {
  pending: (t) => t.status === "assigned",
  in_progress: (t) => IN_PROGRESS.includes(t.status),
  due_soon: (t, ctx) =>
    clockRuns(t) && !t.overdue && t.deadlineAt !== null && t.deadlineAt > ctx.now && t.deadlineAt <= ctx.dueSoonUntil,
  overdue: isOverdue,
  returned: (t) => t.status === "returned",
  awaiting_rating: (t) => t.status === "resolved",
  done: (t) => t.status === "closed",
  all: (t) => t.status !== "merged",
  dispatch: (t, ctx) =>
    t.status === "submitted" ||
    t.status === "returned" ||
    (t.status === "assigned" && t.departmentCode === ctx.dispatcher),
  review: (t) => t.status === "review",
};

const list = (values: readonly string[]) => Prisma.join(values.map((v) => Prisma.sql`${v}`));
const clockRunsSql = Prisma.sql`("status" IN (${list(CLOCK_RUNNING_STATUSES)}) AND "dueRunningSince" IS NOT NULL)`;

export const TAB_SQL: Record<InboxTab, (ctx: TabContext) => Prisma.Sql> = {
  pending: () => Prisma.sql`"status" = 'assigned'`,
  in_progress: () => Prisma.sql`"status" IN (${list(IN_PROGRESS)})`,
  due_soon: (ctx) =>
    Prisma.sql`(${clockRunsSql} AND NOT "overdue" AND "deadlineAt" > ${ctx.now} AND "deadlineAt" <= ${ctx.dueSoonUntil})`,
  overdue: (ctx) =>
    Prisma.sql`("status" IN (${list(OPEN_STATUSES)}) AND ("overdue" OR (${clockRunsSql} AND "deadlineAt" <= ${ctx.now})))`,
  returned: () => Prisma.sql`"status" = 'returned'`,
  awaiting_rating: () => Prisma.sql`"status" = 'resolved'`,
  done: () => Prisma.sql`"status" = 'closed'`,
  all: () => Prisma.sql`"status" <> 'merged'`,
  dispatch: (ctx) =>
    Prisma.sql`("status" IN ('submitted', 'returned') OR ("status" = 'assigned' AND "departmentCode" = ${ctx.dispatcher}))`,
  review: () => Prisma.sql`"status" = 'review'`,
};
