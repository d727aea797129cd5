// The supervision history (督办记录): GET /api/staff/supervision lists, newest first
// and across departments, every 督办 — a supervisor's (supervised events) and the
// automatic one at a missed deadline (overdue events). For the roles that supervise.
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import { roleMay } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { staffErrorResponses } from "./staff-schemas.ts";

export interface StaffSupervisionRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "departmentName">;
}

/** Event types that are a 督办: by a supervisor, and by the deadline timer. */
const SUPERVISION_EVENTS = { supervised: "manual", overdue: "automatic" } as const;

export async function staffSupervisionRoutes(app: FastifyInstance, { prisma, cases }: StaffSupervisionRoutesOptions) {
  app.addHook("onRequest", requireStaff(cases.sessions));

  app.get<{ Querystring: { limit: number; offset: number } }>(
    "/supervision",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["total", "items"],
            properties: {
              total: { type: "integer" },
              items: {
                type: "array",
                items: {
                  type: "object",
                  required: ["ticketNumber", "kind", "note", "actor", "departmentCode", "departmentName", "at"],
                  properties: {
                    ticketNumber: { type: "string" },
                    /** manual: a supervisor's 督办; automatic: the deadline was missed. */
                    kind: { type: "string", enum: ["manual", "automatic"] },
                    note: { type: ["string", "null"] },
                    actor: { type: "string" },
                    departmentCode: { type: ["string", "null"] },
                    departmentName: { type: "string" },
                    status: { type: "string" },
                    overdue: { type: "boolean" },
                    at: { type: "string", format: "date-time" },
                  },
                },
              },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      if (!roleMay(staff, "supervise"))
        throw new HttpError(403, `A ${staff.role} may not view the supervision history`);
      const where = { type: { in: Object.keys(SUPERVISION_EVENTS) } };
      const [total, events] = await Promise.all([
        prisma.ticketEvent.count({ where }),
        prisma.ticketEvent.findMany({
          where,
          include: { ticket: { select: { number: true, departmentCode: true, status: true, overdue: true } } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: request.query.limit,
          skip: request.query.offset,
        }),
      ]);
      await recordStaffAudit(prisma, staff, "view_supervision", undefined, { total });
      return {
        total,
        items: events.map((e) => {
          // The department at the time of the 督办 is on the event when it moved; else the ticket's now.
          const departmentCode = e.ticket.departmentCode;
          return {
            ticketNumber: e.ticket.number,
            kind: SUPERVISION_EVENTS[e.type as keyof typeof SUPERVISION_EVENTS],
            note: e.note,
            actor: e.actor,
            departmentCode,
            departmentName: cases.departmentName(departmentCode),
            status: e.ticket.status,
            overdue: e.ticket.overdue,
            at: e.createdAt.toISOString(),
          };
        }),
      };
    },
  );
}
