// One structured log line per ticket event (filed, routed, accepted, resolved, overdue/督办,
// reopened, closed, rated …), written after the commit, so a line means the change is on the
// record. Only ids, codes, statuses and the kind of actor: never the text, a reply, a note,
// a name or a contact (the audit trail in the database holds those, behind access rules).
import type { Logger } from "../logger.ts";
import type { Applied } from "./ticket-actions.ts";

/** What a line says about a ticket; every field is an id, a code or a number. */
export interface TicketLogFields {
  ticketId: string;
  ticketNumber: string;
  kind: string | null;
  status: string;
  department: string | null;
  channel: string;
}

/** "citizen:wechat" → "citizen", "staff:wang" → "staff": who acted, without who they are. */
export function actorKind(actor: string): string {
  const colon = actor.indexOf(":");
  return colon < 0 ? actor : actor.slice(0, colon);
}

/** The line's message: the event as an operator reads it (routing's assignment is "routed"). */
function eventName(eventType: string, actor: string): string {
  if (eventType === "assigned" && actor === "system:router") return "routed";
  return eventType;
}

/** Event data fields that are safe to log: codes, numbers and states, nothing a citizen or staff member wrote. */
function safeData(eventType: string, data: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (typeof data.from === "string") fields.from = data.from;
  if (eventType === "assigned") {
    const routing = data as { rule?: unknown; evidence?: unknown; category?: unknown; district?: unknown };
    if (typeof routing.rule === "string") fields.rule = routing.rule;
    // A routing rule's id is configuration; other evidence can be a word of the text or a praised person's name.
    if (routing.rule === "rule" && typeof routing.evidence === "string") fields.ruleId = routing.evidence;
    if (typeof routing.category === "string") fields.category = routing.category;
    if (typeof routing.district === "string") fields.district = routing.district;
  }
  if (eventType === "rated" && typeof data.rating === "number") fields.rating = data.rating;
  if (eventType === "merged" && typeof data.parentNumber === "string") fields.parentNumber = data.parentNumber;
  if (eventType === "returned" && typeof data.reasonCode === "string") fields.reasonCode = data.reasonCode;
  return fields;
}

/** The fields of the line for one applied transition (exported for tests). */
export function transitionLine(applied: Applied): { fields: Record<string, unknown>; msg: string } {
  const { ticket, transition, actor } = applied;
  const event = eventName(transition.event.type, actor);
  return {
    msg: `ticket ${event}`,
    fields: {
      event,
      ...ticketFields({
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        kind: ticket.kind,
        status: ticket.status,
        department: ticket.departmentCode,
        channel: ticket.channel,
      }),
      actorKind: actorKind(actor),
      ...safeData(transition.event.type, transition.event.data),
      ...(ticket.overdue && { overdue: true }),
    },
  };
}

function ticketFields(t: TicketLogFields) {
  return {
    ticketId: t.ticketId,
    ticketNumber: t.ticketNumber,
    kind: t.kind,
    status: t.status,
    department: t.department,
    channel: t.channel,
  };
}

/** Logs each committed transition once. */
export function logTransitions(log: Pick<Logger, "info">, applied: readonly Applied[]): void {
  for (const a of applied) {
    const { fields, msg } = transitionLine(a);
    log.info(fields, msg);
  }
}

/** Logs a ticket just filed (committed): the first event of its history. */
export function logTicketFiled(
  log: Pick<Logger, "info">,
  ticket: Omit<TicketLogFields, "status" | "department">,
  actor: string,
): void {
  log.info(
    {
      event: "filed",
      ...ticketFields({ ...ticket, status: "submitted", department: null }),
      actorKind: actorKind(actor),
    },
    "ticket filed",
  );
}
