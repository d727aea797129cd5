// What a ticket (工单) is about. Complaints and requests for help are worked against a
// deadline and rated; a suggestion (建言) is worked the same way against its own longer
// deadline and closed with a verdict (suggestion-verdict.ts); praise (表扬) is passed on
// to the department it names, acknowledged (办结) and counted, with no clock and no rating.

export const TICKET_KINDS = ["complaint", "help", "suggestion", "praise"] as const;

export type TicketKind = (typeof TICKET_KINDS)[number];

/** How staff and citizens name each kind. */
export const KIND_LABELS: Record<TicketKind, string> = {
  complaint: "投诉",
  help: "求助",
  suggestion: "建言",
  praise: "表扬",
};

/** Kinds that are complaints in the figures' sense (投诉/求助): duplicates (并案), complaint categories. */
export const COMPLAINT_KINDS: readonly TicketKind[] = ["complaint", "help"];

export function isTicketKind(value: string): value is TicketKind {
  return (TICKET_KINDS as readonly string[]).includes(value);
}

/** A ticket row's kind; rows written before kinds were checked read as complaints. */
export function kindOf(value: string | null | undefined): TicketKind {
  return value && isTicketKind(value) ? value : "complaint";
}

export function isComplaintKind(kind: string): boolean {
  return (COMPLAINT_KINDS as readonly string[]).includes(kind);
}
