// Our tickets and categories in GeoReport v2 terms (http://wiki.open311.org/GeoReport_v2).
// Services are the complaint categories (intents/case-categories.yaml) plus "other".
// Status: a ticket someone still owes an answer is "open"; resolved, closed, rejected
// and merged ones are "closed", and status_notes says which (and the reply, if any).
import { describeDeadline } from "../deadlines/deadline-policy.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import { maskText } from "../privacy/mask.ts";
import type { CaseCategory, DeadlineSpec } from "../knowledge/case-rules-schema.ts";
import { FINISHED_STATUSES, STATUS_LABELS, statusLabel, type TicketStatus } from "../tickets/ticket-status.ts";

/** The service for complaints in no category (the default deadline applies). */
export const OTHER_SERVICE = {
  service_code: "other",
  service_name: "其他诉求",
  description: "不属于以上类别的投诉、求助",
  group: "其他",
} as const;

export interface GeoReportService {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: "realtime";
  keywords: string;
  group: string;
}

export function servicesOf(categories: readonly CaseCategory[]): GeoReportService[] {
  return [
    ...categories.map((c) => ({
      service_code: c.code,
      service_name: c.name,
      description: c.description,
      metadata: false,
      type: "realtime" as const,
      keywords: c.keywords.join(", "),
      group: c.domain,
    })),
    { ...OTHER_SERVICE, metadata: false, type: "realtime" as const, keywords: "" },
  ];
}

export type GeoReportStatus = "open" | "closed";

export function geoReportStatus(status: string): GeoReportStatus {
  return (FINISHED_STATUSES as readonly string[]).includes(status) ? "closed" : "open";
}

/** Which of our states a GeoReport status filter means. */
export function statusesFor(filter: GeoReportStatus[]): string[] {
  const all = Object.keys(STATUS_LABELS);
  return all.filter((s) => filter.includes(geoReportStatus(s)));
}

export interface GeoReportRequest {
  service_request_id: string;
  status: GeoReportStatus;
  status_notes: string | null;
  service_name: string | null;
  service_code: string | null;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

export interface MappingContext {
  categories: ReadonlyMap<string, CaseCategory>;
  departmentName(code: string | null): string;
  deadlineOf(category: string | null): DeadlineSpec;
}

export function serviceNotice(deadline: DeadlineSpec): string {
  return `承诺${describeDeadline(deadline)}内办结，办理进展可随时查询。`;
}

function statusNotes(ticket: Ticket & { parent: { number: string } | null }, ctx: MappingContext): string {
  const status = ticket.status as TicketStatus;
  if (status === "merged" && ticket.parent) return `已与 ${ticket.parent.number} 并案办理`;
  if ((status === "resolved" || status === "closed") && ticket.resolution) return ticket.resolution;
  if (status === "assigned" || status === "accepted" || status === "in_progress")
    return `${ctx.departmentName(ticket.departmentCode)}：${STATUS_LABELS[status]}`;
  return statusLabel(status);
}

/** A ticket as a GeoReport service request. Anyone may read these: phone and ID numbers are masked. */
export function toGeoReportRequest(
  ticket: Ticket & { parent: { number: string } | null },
  ctx: MappingContext,
): GeoReportRequest {
  const category = ticket.category ? ctx.categories.get(ticket.category) : undefined;
  const details = ticket.details as { media_url?: string; address_id?: string; zipcode?: string };
  return {
    service_request_id: ticket.number,
    status: geoReportStatus(ticket.status),
    status_notes: statusNotes(ticket, ctx),
    service_name: category?.name ?? OTHER_SERVICE.service_name,
    service_code: category?.code ?? OTHER_SERVICE.service_code,
    description: maskText(ticket.text),
    agency_responsible: ticket.departmentCode ? ctx.departmentName(ticket.departmentCode) : null,
    service_notice: serviceNotice(ctx.deadlineOf(ticket.category)),
    requested_datetime: ticket.createdAt.toISOString(),
    updated_datetime: ticket.updatedAt.toISOString(),
    expected_datetime: ticket.deadlineAt?.toISOString() ?? null,
    address: ticket.address,
    address_id: details.address_id ?? null,
    zipcode: details.zipcode ?? null,
    lat: ticket.latitude,
    long: ticket.longitude,
    media_url: details.media_url ?? null,
  };
}
