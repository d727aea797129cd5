// How tickets look to staff. Phone and ID numbers are masked except for the staff of
// the department handling the ticket, who may need to call the citizen back.
import type { Ticket, TicketAttachment, TicketEvent } from "../generated/prisma/client.ts";
import { maskText } from "../privacy/mask.ts";
import { seesContactDetails, type StaffPrincipal } from "../staff/roles.ts";
import { statusLabel } from "../tickets/ticket-status.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

function textFor(staff: StaffPrincipal, ticket: Ticket): string {
  return seesContactDetails(staff, ticket) ? ticket.text : maskText(ticket.text);
}

export function ticketSummary(staff: StaffPrincipal, ticket: Ticket) {
  return {
    number: ticket.number,
    kind: ticket.kind,
    status: ticket.status,
    statusLabel: statusLabel(ticket.status),
    text: textFor(staff, ticket),
    category: ticket.category,
    district: ticket.district,
    departmentCode: ticket.departmentCode,
    createdAt: ticket.createdAt.toISOString(),
    deadlineAt: iso(ticket.deadlineAt),
    overdue: ticket.overdue,
    version: ticket.version,
  };
}

/** What the workbench needs beyond the row: computed by the route from the rules and the calendar. */
export interface DetailExtras {
  allowedActions: string[];
  workingSecondsLeft: number | null;
  /** The pending request's working day, local ("2026-12-10"). */
  pendingExtensionDay: string | null;
}

export function ticketDetail(
  staff: StaffPrincipal,
  ticket: Ticket & {
    events: TicketEvent[];
    parent: { number: string } | null;
    children: { number: string }[];
    attachments: TicketAttachment[];
  },
  departmentName: (code: string | null) => string,
  extras: DetailExtras,
) {
  const masked = !seesContactDetails(staff, ticket);
  return {
    ...ticketSummary(staff, ticket),
    allowedActions: extras.allowedActions,
    workingSecondsLeft: extras.workingSecondsLeft,
    pendingExtension: pendingExtension(ticket, extras.pendingExtensionDay, masked),
    attachments: ticket.attachments.map((a) => ({
      kind: a.kind,
      url: a.url,
      mediaId: a.mediaId,
      data: masked ? (maskStrings(a.data) as object) : (a.data as object),
      at: a.createdAt.toISOString(),
    })),
    places: ticket.places,
    domain: ticket.domain,
    address: ticket.address,
    latitude: ticket.latitude,
    longitude: ticket.longitude,
    department: ticket.departmentCode
      ? { code: ticket.departmentCode, name: departmentName(ticket.departmentCode) }
      : null,
    channel: ticket.channel,
    assignedAt: iso(ticket.assignedAt),
    acceptedAt: iso(ticket.acceptedAt),
    resolvedAt: iso(ticket.resolvedAt),
    closedAt: iso(ticket.closedAt),
    clockRunning: ticket.dueRunningSince !== null,
    remindersSent: ticket.remindersSent,
    // The reply and the citizen's comment may quote phone numbers too (a reply "已电话联系张伟138…").
    resolution: maskedFor(masked, ticket.resolution),
    verdict: ticket.verdict,
    resolvedOnTime: ticket.resolvedOnTime,
    rating: ticket.rating,
    ratingComment: maskedFor(masked, ticket.ratingComment),
    reopenCount: ticket.reopenCount,
    parentNumber: ticket.parent?.number ?? null,
    childNumbers: ticket.children.map((c) => c.number),
    events: ticket.events.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: e.actor,
      note: maskedFor(masked, e.note),
      data: masked ? (maskStrings(e.data) as object) : (e.data as object),
      at: e.createdAt.toISOString(),
    })),
  };
}

/**
 * The pending extension request (延期申请): the deadline and reason are on the ticket
 * row (extensionRequestedUntil, extensionReason); who asked and when, on the latest
 * extension_requested event.
 */
function pendingExtension(ticket: Ticket & { events: TicketEvent[] }, day: string | null, masked: boolean) {
  if (!ticket.extensionRequestedUntil) return null;
  const asked = ticket.events.findLast((e) => e.type === "extension_requested");
  return {
    reason: maskedFor(masked, ticket.extensionReason) ?? "",
    newDeadline: day ?? "",
    newDeadlineAt: ticket.extensionRequestedUntil.toISOString(),
    requestedBy: asked?.actor ?? null,
    requestedAt: asked?.createdAt.toISOString() ?? null,
  };
}

function maskedFor(masked: boolean, text: string | null): string | null {
  return text === null || !masked ? text : maskText(text);
}

/** Masks every string in event data (a citizen's supplement may hold a phone number), not hashes. */
function maskStrings(value: unknown, key = ""): unknown {
  if (typeof value === "string") return key === "textSha256" ? value : maskText(value);
  if (Array.isArray(value)) return value.map((v) => maskStrings(v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStrings(v, k)]));
  return value;
}
