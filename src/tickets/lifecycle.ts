// The ticket lifecycle as a pure state machine: given a ticket's state and an action,
// either the transition (new state, the event to record, field changes, what happens
// to the deadline clock, whom to tell) or the reason it is not allowed. No I/O here;
// src/cases/ticket-actions.ts applies a transition under the ticket's row lock.
import { isRating, POOR_RATING_MAX, RATING_LABELS } from "./rating.ts";
import { isSuggestionVerdict, SUGGESTION_VERDICTS, type SuggestionVerdict } from "./suggestion-verdict.ts";
import type { TicketKind } from "./ticket-kind.ts";
import {
  CLOCK_RUNNING_STATUSES,
  FINISHED_STATUSES,
  OPEN_STATUSES,
  STATUS_LABELS,
  type TicketStatus,
} from "./ticket-status.ts";

/**
 * What a citizen adds to an open ticket, from any channel: a note, or material they
 * sent — a photo or video (the platform's media id and/or URL), a location.
 * `attachmentId` points at the TicketAttachment that keeps a channel's material.
 */
export type Supplement =
  | { kind: "text"; text: string }
  | { kind: "image" | "video"; url?: string; mediaId?: string; attachmentId?: string }
  | { kind: "location"; latitude: number; longitude: number; label?: string; scale?: number; attachmentId?: string };

export type TicketAction =
  /** Routing gives the ticket to a department (or the dispatch centre). */
  | {
      type: "assign";
      departmentCode: string;
      note: string;
      category?: string | null;
      district?: string | null;
      places?: string[];
      routing?: Record<string, unknown>;
    }
  | { type: "accept"; note?: string }
  | { type: "start"; note?: string }
  /**
   * The reply is what the citizen reads (optional only for praise). A suggestion needs its
   * verdict (采纳, 部分采纳, 暂不采纳); any other kind refuses one.
   */
  | { type: "resolve"; reply?: string; note?: string; verdict?: SuggestionVerdict }
  /** 转办: the holding department passes it to another one. */
  | { type: "transfer"; departmentCode: string; reason: string }
  /** Manual reassignment by the dispatch centre or a supervisor. */
  | { type: "reassign"; departmentCode: string; reason: string }
  /** 退单: back to the dispatch centre, with one of the fixed reasons (free text required for "other"). */
  | { type: "return"; reasonCode: ReturnReasonCode; reason?: string }
  | { type: "reject"; reason: string }
  | { type: "suspend"; reason: string }
  | { type: "resume"; note?: string }
  | { type: "reopen"; reason: string }
  | { type: "rate"; rating: number; comment?: string }
  | { type: "close"; note?: string }
  /** 并案: this ticket becomes a child of parentId. */
  | {
      type: "merge";
      parentId: string;
      parentNumber: string;
      reason: string;
      similarity?: number;
      /** Set when merged at routing time: the parent's department, and what routing found. */
      departmentCode?: string | null;
      category?: string | null;
      district?: string | null;
      places?: string[];
    }
  /** 延期申请: the handling department asks for a later deadline (the end of a working day). */
  | { type: "request_extension"; reason: string; newDeadline: Date }
  /** A supervisor decides the pending request. */
  | { type: "approve_extension"; note?: string }
  | { type: "refuse_extension"; note?: string }
  /** 督办: a supervisor presses the handling department. */
  | { type: "supervise"; note: string }
  /** Internal note: never shown to the citizen. */
  | { type: "note"; text: string }
  | { type: "supplement"; content: Supplement }
  // Recorded by the system on the ticket's behalf:
  | { type: "remind"; level: 1 | 2; percent: number }
  | { type: "escalate"; deadlineAt: Date }
  | { type: "link"; childId: string; childNumber: string }
  | { type: "parent_resolved"; parentNumber: string; reply: string };

export type ActionType = TicketAction["type"];

/** Why a department hands a ticket back (退单). */
export const RETURN_REASONS = {
  not_responsible: "非本部门职责",
  wrong_area: "属地不符",
  incomplete: "信息不全",
  other: "其他",
} as const;
export type ReturnReasonCode = keyof typeof RETURN_REASONS;

export function isReturnReasonCode(value: string): value is ReturnReasonCode {
  return Object.hasOwn(RETURN_REASONS, value);
}

export interface TicketState {
  status: TicketStatus;
  /** What the ticket is about; absent reads as a complaint. Praise runs no clock and tells the citizen nothing more. */
  kind?: TicketKind;
  departmentCode: string | null;
  parentId: string | null;
  resolvedAt: Date | null;
  remindersSent: number;
  overdue: boolean;
  /** The deadline clock (optional for callers that never extend a deadline). */
  deadlineAt?: Date | null;
  clockRunning?: boolean;
  /** The deadline a pending extension request asks for (延期申请); null when none is pending. */
  extensionRequestedUntil?: Date | null;
}

export interface LifecycleContext {
  now: Date;
  /** The dispatch centre's department code (派单中心). */
  dispatcher: string;
  departments: ReadonlySet<string>;
  /** How long after the resolution a citizen may dispute it. */
  reopenWindowDays: number;
  /** What a poor rating does. */
  lowRating: "reopen" | "review";
}

/**
 * What happens to the deadline clock (src/deadlines/deadline-clock.ts):
 * start a new one, keep it (with a minimum left for a new department), pause, resume, stop.
 */
export type ClockOp = "none" | "start" | "keep" | "pause" | "resume" | "stop" | "restart" | "extend";

/** Progress the citizen hears about on their channel. */
export type CitizenNotice =
  | "accepted"
  | "resolved"
  | "rejected"
  | "suspended"
  | "merged"
  | "reopened"
  | "parent_resolved";

/** Who among staff must hear about it. */
export type StaffAlert = "reminder" | "overdue" | "review" | "supervision";

export interface TicketChanges {
  /** Set whenever a department is given the ticket (anew). */
  assignedAt?: Date;
  departmentCode?: string;
  category?: string | null;
  district?: string | null;
  places?: string[];
  parentId?: string;
  acceptedAt?: Date | null;
  resolvedAt?: Date | null;
  closedAt?: Date;
  resolution?: string | null;
  /** A suggestion's verdict (suggestion-verdict.ts). */
  verdict?: SuggestionVerdict | null;
  rating?: number;
  ratingComment?: string | null;
  ratedAt?: Date;
  ratingRequestedAt?: Date | null;
  reopenCountIncrement?: boolean;
  remindersSent?: number;
  overdue?: boolean;
  overdueAt?: Date | null;
  /** The pending extension request (延期申请): the deadline asked for and why. */
  extensionRequestedUntil?: Date | null;
  extensionReason?: string | null;
}

export interface Transition {
  from: TicketStatus;
  to: TicketStatus;
  event: { type: string; note: string | null; data: Record<string, unknown> };
  changes: TicketChanges;
  clock: ClockOp;
  /** With clock "extend": the new deadline. */
  deadlineTo?: Date;
  citizenNotice?: CitizenNotice;
  staffAlert?: StaffAlert;
}

export type Decision =
  | { ok: true; transition: Transition }
  | { ok: false; kind: "conflict" | "invalid"; message: string };

/** Where each action may start. */
const ALLOWED_FROM: Record<ActionType, readonly TicketStatus[]> = {
  assign: ["submitted"],
  accept: ["assigned"],
  start: ["accepted"],
  // Praise may be acknowledged (办结) without 签收 first; see stateRefusal.
  resolve: ["assigned", "accepted", "in_progress"],
  transfer: ["assigned", "accepted", "in_progress"],
  reassign: ["submitted", "assigned", "returned", "accepted", "in_progress"],
  return: ["assigned", "accepted"],
  reject: ["submitted", "assigned", "returned", "accepted"],
  suspend: ["accepted", "in_progress"],
  resume: ["suspended"],
  reopen: ["resolved", "closed", "review"],
  rate: ["resolved"],
  close: ["resolved", "review"],
  merge: ["submitted", "assigned", "returned", "accepted"],
  request_extension: CLOCK_RUNNING_STATUSES,
  approve_extension: CLOCK_RUNNING_STATUSES,
  refuse_extension: CLOCK_RUNNING_STATUSES,
  supervise: OPEN_STATUSES,
  note: [...OPEN_STATUSES, ...FINISHED_STATUSES],
  supplement: OPEN_STATUSES.filter((s) => s !== "review"),
  remind: CLOCK_RUNNING_STATUSES,
  escalate: CLOCK_RUNNING_STATUSES,
  link: OPEN_STATUSES,
  parent_resolved: ["merged"],
};

const ACTION_NAMES: Record<ActionType, string> = {
  assign: "分派",
  accept: "签收",
  start: "开始办理",
  resolve: "办结",
  transfer: "转办",
  reassign: "改派",
  return: "退单",
  reject: "不予受理",
  suspend: "挂起",
  resume: "恢复办理",
  reopen: "重新办理",
  rate: "评价",
  close: "归档",
  merge: "并案",
  request_extension: "申请延期",
  approve_extension: "批准延期",
  refuse_extension: "驳回延期",
  supervise: "督办",
  note: "备注",
  supplement: "补充材料",
  remind: "催办提醒",
  escalate: "超时督办",
  link: "关联并案",
  parent_resolved: "主工单办结",
};

export function actionName(type: ActionType): string {
  return ACTION_NAMES[type];
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Why the ticket's state does not allow this action now (its status, a pending
 * extension request, the dispute window), whatever its input; undefined if it does.
 * The workbench's buttons (allowedActions) and decide() read the same rules.
 */
export function stateRefusal(
  ticket: TicketState,
  type: ActionType,
  ctx: Pick<LifecycleContext, "now" | "reopenWindowDays">,
): string | undefined {
  const from = ticket.status;
  if (!ALLOWED_FROM[type].includes(from)) return `cannot ${type} a ticket that is ${from} (${STATUS_LABELS[from]})`;
  const pending = ticket.extensionRequestedUntil ?? null;
  switch (type) {
    case "resolve":
      if (from === "assigned" && ticket.kind !== "praise")
        return `cannot resolve a ticket that is ${from} (${STATUS_LABELS[from]}): accept it first`;
      break;
    case "request_extension":
      if (ticket.clockRunning === false || !ticket.deadlineAt) return "the deadline clock is not running";
      if (pending) return "an extension request is already pending";
      break;
    case "approve_extension":
    case "refuse_extension":
      if (!pending) return "no extension request is pending";
      break;
    case "reopen": {
      const resolvedAt = ticket.resolvedAt;
      if (resolvedAt && ctx.now.getTime() - resolvedAt.getTime() > ctx.reopenWindowDays * DAY_MS) {
        return `the result can be disputed only within ${ctx.reopenWindowDays} days of the resolution`;
      }
      break;
    }
    default:
      break;
  }
  return undefined;
}

export function decide(ticket: TicketState, action: TicketAction, ctx: LifecycleContext): Decision {
  const refusal = stateRefusal(ticket, action.type, ctx);
  if (refusal) return conflict(refusal);
  const invalid = checkInput(ticket, action, ctx);
  if (invalid) return invalid;
  const decision = transitionFor(ticket, action, ctx);
  if (!decision.ok) return decision;
  const transition = dropStaleExtension(ticket, action, decision.transition);
  return { ok: true, transition: ticket.kind === "praise" ? asPraise(transition) : transition };
}

/**
 * Praise is passed on and acknowledged, not worked against a deadline: no clock, and
 * no notices to the citizen beyond the thanks they had when it was filed.
 */
function asPraise(transition: Transition): Transition {
  const { citizenNotice: _, ...rest } = transition;
  return { ...rest, clock: "none" };
}

/**
 * A pending extension request belongs to the department and the running clock it was
 * made for: it lapses when the ticket leaves them (transfer, return, suspend, resolve …).
 */
function dropStaleExtension(ticket: TicketState, action: TicketAction, transition: Transition): Transition {
  if (!ticket.extensionRequestedUntil) return transition;
  if (action.type === "approve_extension" || action.type === "refuse_extension") return transition;
  const stays = CLOCK_RUNNING_STATUSES.includes(transition.to) && transition.changes.departmentCode === undefined;
  if (stays && transition.clock !== "restart") return transition;
  return {
    ...transition,
    event: { ...transition.event, data: { ...transition.event.data, extensionLapsed: true } },
    changes: { ...transition.changes, extensionRequestedUntil: null, extensionReason: null },
  };
}

function transitionFor(ticket: TicketState, action: TicketAction, ctx: LifecycleContext): Decision {
  const from = ticket.status;

  const move = (
    to: TicketStatus,
    rest: Omit<Transition, "from" | "to" | "event"> & { note?: string | null; data?: Record<string, unknown> },
  ) => {
    const { note, data, ...others } = rest;
    const transition: Transition = {
      from,
      to,
      event: { type: eventType(action.type), note: note ?? null, data: { from, to, ...data } },
      ...others,
    };
    return { ok: true, transition } as const;
  };
  // Annotations: an event on the record, no change of state.
  const annotate = (
    rest: Omit<Transition, "from" | "to" | "event" | "clock"> & {
      note?: string | null;
      data?: Record<string, unknown>;
    },
  ) => {
    const { note, data, ...others } = rest;
    return {
      ok: true,
      transition: {
        from,
        to: from,
        event: { type: eventType(action.type), note: note ?? null, data: data ?? {} },
        clock: "none",
        ...others,
      },
    } as const;
  };

  switch (action.type) {
    case "assign":
      return move("assigned", {
        note: action.note,
        data: {
          departmentCode: action.departmentCode,
          category: action.category ?? null,
          district: action.district ?? null,
          ...action.routing,
        },
        changes: {
          assignedAt: ctx.now,
          departmentCode: action.departmentCode,
          ...(action.category !== undefined && { category: action.category }),
          ...(action.district !== undefined && { district: action.district }),
          ...(action.places !== undefined && { places: action.places }),
        },
        clock: "start",
      });
    case "accept":
      return move("accepted", {
        note: action.note,
        changes: { acceptedAt: ctx.now },
        clock: "none",
        citizenNotice: "accepted",
      });
    case "start":
      return move("in_progress", { note: action.note, changes: {}, clock: "none" });
    case "resolve":
      return resolve(ticket, action, ctx, move);
    case "transfer":
    case "reassign":
      return move("assigned", {
        note: action.reason,
        data: { departmentCode: action.departmentCode, fromDepartment: ticket.departmentCode },
        changes: { assignedAt: ctx.now, departmentCode: action.departmentCode, acceptedAt: null },
        clock: "keep",
      });
    case "return":
      return move("returned", {
        note: action.reason?.trim()
          ? `${RETURN_REASONS[action.reasonCode]}：${action.reason.trim()}`
          : RETURN_REASONS[action.reasonCode],
        data: {
          departmentCode: ctx.dispatcher,
          fromDepartment: ticket.departmentCode,
          reasonCode: action.reasonCode,
          reasonLabel: RETURN_REASONS[action.reasonCode],
        },
        changes: { departmentCode: ctx.dispatcher, acceptedAt: null },
        clock: "keep",
      });
    case "reject":
      return move("rejected", {
        note: action.reason,
        changes: { closedAt: ctx.now },
        clock: "stop",
        citizenNotice: "rejected",
      });
    case "suspend":
      return move("suspended", { note: action.reason, changes: {}, clock: "pause", citizenNotice: "suspended" });
    case "resume":
      return move("in_progress", { note: action.note, changes: {}, clock: "resume" });
    case "reopen":
      return move("assigned", {
        note: action.reason,
        changes: reopenChanges(ctx.now),
        clock: "restart",
        citizenNotice: "reopened",
      });
    case "rate":
      return rate(action, ctx, move);
    case "close":
      return move("closed", {
        note: action.note,
        changes: { closedAt: ctx.now, ratingRequestedAt: null },
        clock: "none",
      });
    case "merge":
      return move("merged", {
        note: action.reason,
        data: {
          parentId: action.parentId,
          parentNumber: action.parentNumber,
          ...(action.similarity !== undefined && { similarity: action.similarity }),
          ...(action.departmentCode !== undefined && { departmentCode: action.departmentCode }),
        },
        changes: {
          parentId: action.parentId,
          closedAt: ctx.now,
          ...(action.departmentCode && { departmentCode: action.departmentCode }),
          ...(action.category !== undefined && { category: action.category }),
          ...(action.district !== undefined && { district: action.district }),
          ...(action.places !== undefined && { places: action.places }),
        },
        clock: "stop",
        citizenNotice: "merged",
      });
    case "request_extension":
      return annotate({
        note: action.reason,
        data: {
          newDeadlineAt: action.newDeadline.toISOString(),
          currentDeadlineAt: ticket.deadlineAt?.toISOString() ?? null,
        },
        changes: { extensionRequestedUntil: action.newDeadline, extensionReason: action.reason },
      });
    case "approve_extension": {
      const to = ticket.extensionRequestedUntil!;
      const future = to.getTime() > ctx.now.getTime();
      return {
        ok: true,
        transition: {
          from,
          to: from,
          event: {
            type: eventType(action.type),
            note: action.note ?? null,
            data: { oldDeadlineAt: ticket.deadlineAt?.toISOString() ?? null, newDeadlineAt: to.toISOString() },
          },
          changes: {
            extensionRequestedUntil: null,
            extensionReason: null,
            // A deadline moved past now lifts 督办; the breach timer is planned again.
            ...(future && ticket.overdue && { overdue: false, overdueAt: null }),
          },
          clock: "extend",
          deadlineTo: to,
        },
      };
    }
    case "refuse_extension":
      return annotate({
        note: action.note ?? null,
        data: { newDeadlineAt: ticket.extensionRequestedUntil!.toISOString() },
        changes: { extensionRequestedUntil: null, extensionReason: null },
      });
    case "supervise":
      return annotate({ note: action.note, changes: {}, staffAlert: "supervision" });
    case "note":
      return annotate({ note: action.text, changes: {} });
    case "supplement":
      // A citizen answering a suspended ticket's question resumes it.
      if (from === "suspended") {
        return move("in_progress", {
          note: "群众补充了信息，恢复办理",
          data: { supplement: action.content },
          changes: {},
          clock: "resume",
        });
      }
      return annotate({ note: "群众补充了信息", data: { supplement: action.content }, changes: {} });
    case "remind":
      return annotate({
        note: `办理时限已用${action.percent}%，请抓紧办理`,
        data: { level: action.level, percent: action.percent },
        changes: { remindersSent: action.level },
        staffAlert: "reminder",
      });
    case "escalate":
      return annotate({
        note: "已超过办理时限，列入督办",
        data: { deadlineAt: action.deadlineAt.toISOString() },
        // Reminders due before the deadline are moot once it has passed.
        changes: { overdue: true, overdueAt: ctx.now, remindersSent: 2 },
        staffAlert: "overdue",
      });
    case "link":
      return annotate({
        note: `工单 ${action.childNumber} 并入本工单`,
        data: { childId: action.childId, childNumber: action.childNumber },
        changes: {},
      });
    case "parent_resolved":
      return annotate({
        note: `主工单 ${action.parentNumber} 已办结`,
        data: { parentNumber: action.parentNumber, reply: action.reply },
        changes: {},
        citizenNotice: "parent_resolved",
      });
  }
}

/** 办结: a reply for the citizen and a rating request; praise is acknowledged and closed at once. */
function resolve(
  ticket: TicketState,
  action: Extract<TicketAction, { type: "resolve" }>,
  ctx: LifecycleContext,
  move: Move,
): Decision {
  const reply = action.reply?.trim() ? action.reply : null;
  if (ticket.kind === "praise") {
    return move("closed", {
      note: action.note,
      data: { reply },
      changes: { resolution: reply, resolvedAt: ctx.now, closedAt: ctx.now },
      clock: "none",
    });
  }
  const verdict = action.verdict;
  return move("resolved", {
    note: action.note,
    data: { reply, ...(verdict && { verdict, verdictLabel: SUGGESTION_VERDICTS[verdict] }) },
    changes: {
      resolution: reply,
      ...(verdict && { verdict }),
      resolvedAt: ctx.now,
      ratingRequestedAt: ctx.now,
    },
    clock: "stop",
    citizenNotice: "resolved",
  });
}

type Move = (
  to: TicketStatus,
  rest: Omit<Transition, "from" | "to" | "event"> & { note?: string | null; data?: Record<string, unknown> },
) => Decision;

function rate(action: { rating: number; comment?: string }, ctx: LifecycleContext, move: Move): Decision {
  const rated = {
    rating: action.rating,
    ratingComment: action.comment ?? null,
    ratedAt: ctx.now,
    ratingRequestedAt: null,
  };
  const data = { rating: action.rating, label: RATING_LABELS[action.rating], comment: action.comment ?? null };
  const note = `群众评价：${RATING_LABELS[action.rating]}`;
  if (action.rating > POOR_RATING_MAX)
    return move("closed", { note, data, changes: { ...rated, closedAt: ctx.now }, clock: "none" });
  if (ctx.lowRating === "review")
    return move("review", { note, data, changes: rated, clock: "none", staffAlert: "review" });
  return move("assigned", {
    note,
    data: { ...data, reopened: true },
    changes: { ...rated, ...reopenChanges(ctx.now) },
    clock: "restart",
    citizenNotice: "reopened",
  });
}

function reopenChanges(now: Date): TicketChanges {
  return {
    assignedAt: now,
    reopenCountIncrement: true,
    acceptedAt: null,
    resolvedAt: null,
    ratingRequestedAt: null,
    remindersSent: 0,
    overdue: false,
    overdueAt: null,
  };
}

function checkInput(ticket: TicketState, action: TicketAction, ctx: LifecycleContext): Decision | undefined {
  const blank = (value: string | undefined) => !value || value.trim() === "";
  switch (action.type) {
    case "assign":
    case "transfer":
    case "reassign":
      if (!ctx.departments.has(action.departmentCode)) return invalid(`unknown department "${action.departmentCode}"`);
      if (action.type !== "assign" && action.departmentCode === ticket.departmentCode) {
        return conflict(`the ticket is already with department ${action.departmentCode}`);
      }
      if (action.type === "transfer" && action.departmentCode === ctx.dispatcher) {
        return invalid("use return (退单) to hand a ticket back to the dispatch centre");
      }
      break;
    case "resolve":
      return resolveInputRefusal(ticket.kind ?? "complaint", action);
    case "rate":
      if (!isRating(action.rating)) return invalid("rating must be a whole number from 1 to 5");
      break;
    case "note":
      if (blank(action.text)) return invalid("a note needs text");
      break;
    case "return":
      if (!isReturnReasonCode(action.reasonCode)) return invalid(`unknown return reason "${action.reasonCode}"`);
      if (action.reasonCode === "other" && blank(action.reason))
        return invalid("a reason is required to return a ticket for another reason (其他)");
      return undefined;
    case "request_extension":
      if (blank(action.reason)) return invalid("a reason is required to request an extension");
      if (Number.isNaN(action.newDeadline.getTime())) return invalid("newDeadline is not a date");
      if (ticket.deadlineAt && action.newDeadline.getTime() <= ticket.deadlineAt.getTime())
        return invalid("the new deadline must be after the current deadline");
      if (action.newDeadline.getTime() <= ctx.now.getTime()) return invalid("the new deadline must be in the future");
      break;
    case "supervise":
      if (blank(action.note)) return invalid("a note is required to supervise a ticket");
      break;
    case "merge":
      if (action.parentId === ticket.parentId) return conflict("already merged into that ticket");
      break;
    case "remind":
      if (ticket.remindersSent >= action.level) return conflict(`reminder ${action.level} was already sent`);
      if (ticket.overdue) return conflict("the ticket is already overdue");
      break;
    case "escalate":
      if (ticket.overdue) return conflict("the ticket is already overdue");
      break;
    default:
      break;
  }
  if ("reason" in action && blank(action.reason)) return invalid(`a reason is required to ${action.type} a ticket`);
  return undefined;
}

/** A suggestion's 办结 needs a verdict and a reply; praise needs neither; any other ticket a reply and no verdict. */
function resolveInputRefusal(kind: TicketKind, action: { reply?: string; verdict?: string }): Decision | undefined {
  const blank = !action.reply || action.reply.trim() === "";
  if (action.verdict !== undefined && kind !== "suggestion")
    return invalid(`a verdict (采纳意见) is only for suggestions (建言); this ticket is a ${kind}`);
  if (kind === "praise") return undefined;
  if (kind === "suggestion") {
    if (action.verdict === undefined)
      return invalid(
        "a verdict (采纳意见: adopted 采纳, partially_adopted 部分采纳 or not_adopted 暂不采纳) is required to resolve a suggestion",
      );
    if (!isSuggestionVerdict(action.verdict)) return invalid(`unknown verdict "${action.verdict}"`);
  }
  if (blank) return invalid("a reply to the citizen is required to resolve a ticket");
  return undefined;
}

/** Event types are the past tense of the action, as the audit trail reads. */
function eventType(type: ActionType): string {
  const past: Partial<Record<ActionType, string>> = {
    assign: "assigned",
    accept: "accepted",
    start: "started",
    resolve: "resolved",
    transfer: "transferred",
    reassign: "reassigned",
    return: "returned",
    reject: "rejected",
    suspend: "suspended",
    resume: "resumed",
    reopen: "reopened",
    rate: "rated",
    close: "closed",
    merge: "merged",
    supplement: "supplemented",
    remind: "reminded",
    escalate: "overdue",
    link: "linked",
    request_extension: "extension_requested",
    approve_extension: "extension_approved",
    refuse_extension: "extension_refused",
    supervise: "supervised",
  };
  return past[type] ?? type;
}

function conflict(message: string): Decision {
  return { ok: false, kind: "conflict", message };
}

function invalid(message: string): Decision {
  return { ok: false, kind: "invalid", message };
}
