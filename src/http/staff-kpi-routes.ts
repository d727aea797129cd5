// GET /api/staff/kpis: service-quality figures per department for a period
// (src/cases/kpis.ts). Department staff see their own department's.
import type { FastifyInstance } from "fastify";
import { departmentKpis } from "../cases/kpis.ts";
import type { Hub } from "../hub.ts";
import { departmentScope } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { dateParam, staffErrorResponses } from "./staff-schemas.ts";

const rate = { type: ["number", "null"], minimum: 0, maximum: 1 } as const;
const hours = { type: ["number", "null"], minimum: 0 } as const;

export async function staffKpiRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get<{ Querystring: { from: string; to: string; department?: string } }>(
    "/kpis",
    {
      onRequest: requireStaff(hub),
      schema: {
        querystring: {
          type: "object",
          required: ["from", "to"],
          additionalProperties: false,
          properties: { from: dateParam, to: dateParam, department: { type: "string", minLength: 1 } },
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "departments"],
            properties: {
              from: { type: "string", format: "date-time" },
              to: { type: "string", format: "date-time" },
              departments: {
                type: "array",
                items: {
                  type: "object",
                  required: ["departmentCode", "departmentName", "received", "resolved", "onTimeRate", "medianHoursToAccept", "medianHoursToResolve", "rated", "satisfactionRate", "reopenRate"],
                  properties: {
                    departmentCode: { type: "string" },
                    departmentName: { type: "string" },
                    received: { type: "integer" },
                    resolved: { type: "integer" },
                    onTimeRate: rate,
                    medianHoursToAccept: hours,
                    medianHoursToResolve: hours,
                    rated: { type: "integer" },
                    satisfactionRate: rate,
                    reopenRate: rate,
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
      const scope = departmentScope(staff);
      if (scope !== undefined && request.query.department !== undefined && request.query.department !== scope) {
        throw new HttpError(403, `Department staff see only their own department (${scope})`);
      }
      const tz = hub.config.timeZone;
      const from = periodBound(request.query.from, "from", tz, "querystring.from")!;
      const to = periodBound(request.query.to, "to", tz, "querystring.to")!;
      if (to.getTime() <= from.getTime()) throw new HttpError(400, "querystring.to must be after querystring.from");
      const rows = await departmentKpis(hub.db.prisma, { from, to }, scope ?? request.query.department);
      await recordStaffAudit(hub.db.prisma, staff, "view_kpis", undefined, { from: from.toISOString(), to: to.toISOString(), department: scope ?? request.query.department ?? null });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        departments: rows.map((r) => ({ ...r, departmentName: hub.cases.departmentName(r.departmentCode) })),
      };
    },
  );
}
