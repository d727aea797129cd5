// Read access to tickets for citizens and staff: status, department and history.
import type { FastifyInstance } from "fastify";
import type { Hub } from "../hub.ts";
import { errorResponses } from "./error-schema.ts";
import { HttpError } from "./error-handler.ts";

const ticketSchema = {
  type: "object",
  required: ["number", "status", "kind", "department", "createdAt", "events"],
  properties: {
    number: { type: "string" },
    status: { type: "string" },
    kind: { type: "string" },
    domain: { type: ["string", "null"] },
    department: {
      type: ["object", "null"],
      required: ["code", "name"],
      properties: { code: { type: "string" }, name: { type: "string" } },
    },
    createdAt: { type: "string", format: "date-time" },
    events: {
      type: "array",
      items: {
        type: "object",
        required: ["seq", "type", "actor", "at"],
        properties: {
          seq: { type: "integer" },
          type: { type: "string" },
          actor: { type: "string" },
          note: { type: ["string", "null"] },
          at: { type: "string", format: "date-time" },
        },
      },
    },
  },
} as const;

export async function ticketRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
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
      const ticket = await hub.db.prisma.ticket.findUnique({
        where: { number: request.params.number },
        include: { events: { orderBy: { seq: "asc" } } },
      });
      if (!ticket) throw new HttpError(404, `No ticket numbered ${request.params.number}`);
      const department = hub.catalog().departments.find((d) => d.code === ticket.departmentCode);
      return {
        number: ticket.number,
        status: ticket.status,
        kind: ticket.kind,
        domain: ticket.domain,
        department: department ? { code: department.code, name: department.name } : null,
        createdAt: ticket.createdAt.toISOString(),
        events: ticket.events.map((e) => ({ seq: e.seq, type: e.type, actor: e.actor, note: e.note, at: e.createdAt.toISOString() })),
      };
    },
  );
}
