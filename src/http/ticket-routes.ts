// Public read access to a ticket by its number: status, department and the steps a
// citizen may see. Internal notes, reminders, staff names and reasons given between
// departments stay in the department API (src/http/staff-ticket-routes.ts).
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../db/database.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { TicketEvent } from "../generated/prisma/client.ts";
import { maskText } from "../privacy/mask.ts";
import { statusLabel } from "../tickets/ticket-status.ts";
import { errorResponses } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";
import { ticketEventsSchema } from "./ticket-event-schema.ts";

/** Steps shown publicly (with the note publicNote() allows). */
const PUBLIC_EVENTS = new Set([
  "created",
  "assigned",
  "accepted",
  "started",
  "transferred",
  "reassigned",
  "suspended",
  "resumed",
  "resolved",
  "rated",
  "closed",
  "rejected",
  "merged",
  "reopened",
  "parent_resolved",
  "supplemented",
]);
/**
 * What the public page says of a step, masked: only what the citizen was told. A
 * resolution's note is the staff's own (internal) and a merge's reason is written for
 * the dispatch centre, so the page shows the reply and the merge instead.
 */
function publicNote(event: TicketEvent): string | null {
  const data = (event.data ?? {}) as { reply?: unknown; parentNumber?: unknown };
  const reply = typeof data.reply === "string" ? data.reply : null;
  switch (event.type) {
    case "resolved":
      return reply === null ? null : maskText(reply);
    case "parent_resolved":
      return maskText(reply === null ? (event.note ?? "") : `${event.note ?? ""}：${reply}`);
    case "merged":
      return typeof data.parentNumber === "string" ? `与工单 ${data.parentNumber} 合并办理` : null;
    // The citizen was told these: the reason for a pause or a refusal, the rating given.
    case "created":
    case "suspended":
    case "rejected":
    case "rated":
      return event.note === null ? null : maskText(event.note);
    default:
      return null;
  }
}

/** "citizen", "system" or "staff": who acted, without naming staff. */
function publicActor(actor: string): string {
  const kind = actor.split(":")[0] ?? "";
  return kind === "citizen" || kind === "system" ? kind : "staff";
}

const ticketSchema = {
  type: "object",
  required: ["number", "status", "kind", "department", "createdAt", "events"],
  properties: {
    number: { type: "string" },
    status: { type: "string" },
    /** The status as a citizen reads it (Chinese). */
    statusLabel: { type: "string" },
    kind: { type: "string" },
    domain: { type: ["string", "null"] },
    department: {
      type: ["object", "null"],
      required: ["code", "name"],
      properties: { code: { type: "string" }, name: { type: "string" } },
    },
    createdAt: { type: "string", format: "date-time" },
    events: ticketEventsSchema(),
  },
} as const;

export interface TicketRoutesOptions {
  prisma: PrismaClient;
  /** The catalog now serving (for the department's name). */
  catalog(): Catalog;
}

export async function ticketRoutes(app: FastifyInstance, { prisma, catalog }: TicketRoutesOptions) {
  app.get<{ Params: { number: string } }>(
    "/api/tickets/:number",
    {
      schema: {
        params: {
          type: "object",
          required: ["number"],
          properties: { number: { type: "string", pattern: "^GD\\d{8}-\\d{6,}$" } },
        },
        response: { 200: ticketSchema, ...errorResponses },
      },
    },
    async (request) => {
      const ticket = await prisma.ticket.findUnique({
        where: { number: request.params.number },
        include: { events: { orderBy: { seq: "asc" } } },
      });
      if (!ticket) throw new HttpError(404, `No ticket numbered ${request.params.number}`);
      const department = catalog().departments.find((d) => d.code === ticket.departmentCode);
      return {
        number: ticket.number,
        status: ticket.status,
        statusLabel: statusLabel(ticket.status),
        kind: ticket.kind,
        domain: ticket.domain,
        department: department ? { code: department.code, name: department.name } : null,
        createdAt: ticket.createdAt.toISOString(),
        events: ticket.events
          .filter((e) => PUBLIC_EVENTS.has(e.type))
          .map((e) => ({
            seq: e.seq,
            type: e.type,
            actor: publicActor(e.actor),
            note: publicNote(e),
            at: e.createdAt.toISOString(),
          })),
      };
    },
  );
}
