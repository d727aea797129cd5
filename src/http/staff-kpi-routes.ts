// GET /api/staff/kpis: service-quality figures per department for a period
// (src/cases/kpis.ts). Department staff see their own department's.
import type { FastifyInstance } from "fastify";
import { departmentKpis } from "../cases/kpis.ts";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import { departmentScope } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { dateParam, staffErrorResponses } from "./staff-schemas.ts";

const rate = { type: ["number", "null"], minimum: 0, maximum: 1 } as const;
const hours = { type: ["number", "null"], minimum: 0 } as const;

export interface StaffKpiRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "departmentName">;
  /** The zone a period's dates are read in. */
  timeZone: string;
}

export async function staffKpiRoutes(app: FastifyInstance, { prisma, cases, timeZone }: StaffKpiRoutesOptions) {
  app.get<{ Querystring: { from: string; to: string; department?: string } }>(
    "/kpis",
    {
      onRequest: requireStaff(cases.sessions),
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
                  required: [
                    "departmentCode",
                    "departmentName",
                    "received",
                    "resolved",
                    "onTimeRate",
                    "medianHoursToAccept",
                    "medianHoursToResolve",
                    "rated",
                    "satisfactionRate",
                    "reopenRate",
                  ],
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
      const from = periodBound(request.query.from, "from", timeZone, "querystring.from")!;
      const to = periodBound(request.query.to, "to", timeZone, "querystring.to")!;
      if (to.getTime() <= from.getTime()) throw new HttpError(400, "querystring.to must be after querystring.from");
      const rows = await departmentKpis(prisma, { from, to }, scope ?? request.query.department);
      await recordStaffAudit(prisma, staff, "view_kpis", undefined, {
        from: from.toISOString(),
        to: to.toISOString(),
        department: scope ?? request.query.department ?? null,
      });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        departments: rows.map((r) => ({ ...r, departmentName: cases.departmentName(r.departmentCode) })),
      };
    },
  );
}
