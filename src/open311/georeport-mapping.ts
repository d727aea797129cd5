// Our tickets and categories in GeoReport v2 terms (http://wiki.open311.org/GeoReport_v2).
// Services are the complaint categories (intents/case-categories.yaml) plus "other".
// Status: a ticket someone still owes an answer is "open"; resolved, closed, rejected
// and merged ones are "closed", and status_notes says which (and the reply, if any).
//
// Two views, as FixMyStreet publishes reports: anyone gets the public view (category,
// status, a coarse location, a public description, agency and dates); a client with a
// read key (OPEN311_READ_API_KEYS) gets the full one (address, coordinates, photo).
// A chat, WeChat or Weibo citizen never agreed to publication, so their words are never
// published: the public description is the category's name. An Open311 client filed to
// a public API, so its description is published, masked.
import { describeDeadline } from "../deadlines/deadline-policy.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import { maskText } from "../privacy/mask.ts";
import { OPEN311_CHANNEL } from "./open311-intake.ts";
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

/** Who reads: anyone (public) or a client holding a read key (full). */
export type GeoReportView = "public" | "full";

/** Public coordinates are rounded to 2 decimals: about 1 km, a neighbourhood rather than a door. */
export const PUBLIC_COORDINATE_DECIMALS = 2;

function coarse(value: number | null): number | null {
  if (value === null) return null;
  const factor = 10 ** PUBLIC_COORDINATE_DECIMALS;
  return Math.round(value * factor) / factor;
}

// A road (places are stored without house numbers); complexes, villages and buildings are too precise.
const ROAD = /^[\u4e00-\u9fff]+(?:大道|大街|路|街|巷)$/u;

/** The district and the first road the complaint names, e.g. "东湖区人民路"; null when it names neither. */
export function coarseAddress(ticket: Pick<Ticket, "district" | "places">): string | null {
  const road = ticket.places.find((p) => ROAD.test(p));
  const parts = [ticket.district, road].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join("") : null;
}

/**
 * What anyone may read of the complaint: an Open311 client's description, masked and
 * without the submitter's own name, phone or e-mail (values of 2 characters or more: a lone
 * surname would blank every 张 in the text); for every other channel the category.
 */
function publicDescription(ticket: Ticket, serviceName: string): string {
  if (ticket.channel !== OPEN311_CHANNEL) return serviceName;
  const contact = (ticket.details as { contact?: Record<string, unknown> }).contact ?? {};
  const own = Object.values(contact).filter((v): v is string => typeof v === "string" && v.trim().length >= 2);
  let text = ticket.text;
  for (const value of own) text = text.split(value.trim()).join("*".repeat(Math.min(value.trim().length, 3)));
  return maskText(text);
}

function statusNotes(ticket: Ticket & { parent: { number: string } | null }, ctx: MappingContext): string {
  const status = ticket.status as TicketStatus;
  if (status === "merged" && ticket.parent) return `已与 ${ticket.parent.number} 并案办理`;
  // The department's reply may name the citizen or quote their number: published masked.
  if ((status === "resolved" || status === "closed") && ticket.resolution) return maskText(ticket.resolution);
  if (status === "assigned" || status === "accepted" || status === "in_progress")
    return `${ctx.departmentName(ticket.departmentCode)}：${STATUS_LABELS[status]}`;
  return statusLabel(status);
}

/**
 * A ticket as a GeoReport service request, in the public or the full view. Both mask
 * phone and ID numbers in what they publish.
 */
export function toGeoReportRequest(
  ticket: Ticket & { parent: { number: string } | null },
  ctx: MappingContext,
  view: GeoReportView = "public",
): GeoReportRequest {
  const category = ticket.category ? ctx.categories.get(ticket.category) : undefined;
  const details = ticket.details as { media_url?: string; address_id?: string; zipcode?: string };
  const serviceName = category?.name ?? OTHER_SERVICE.service_name;
  const full = view === "full";
  // In the spec's field order: the XML is written in this order.
  return {
    service_request_id: ticket.number,
    status: geoReportStatus(ticket.status),
    status_notes: statusNotes(ticket, ctx),
    service_name: serviceName,
    service_code: category?.code ?? OTHER_SERVICE.service_code,
    description: full ? maskText(ticket.text) : publicDescription(ticket, serviceName),
    agency_responsible: ticket.departmentCode ? ctx.departmentName(ticket.departmentCode) : null,
    service_notice: serviceNotice(ctx.deadlineOf(ticket.category)),
    requested_datetime: ticket.createdAt.toISOString(),
    updated_datetime: ticket.updatedAt.toISOString(),
    expected_datetime: ticket.deadlineAt?.toISOString() ?? null,
    address: full ? ticket.address : coarseAddress(ticket),
    address_id: full ? (details.address_id ?? null) : null,
    zipcode: full ? (details.zipcode ?? null) : null,
    lat: full ? ticket.latitude : coarse(ticket.latitude),
    long: full ? ticket.longitude : coarse(ticket.longitude),
    media_url: full ? (details.media_url ?? null) : null,
  };
}
