// Service-quality figures for staff (src/cases/kpis.ts): GET /api/staff/kpis for a period,
// /kpis/trend per week or month, /kpis/export.csv and /kpis/export.xlsx to download.
// All four read the period and department through kpiQuery, so department staff see only
// their own department's figures however they ask.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { localDate } from "../calendar/zoned-days.ts";
import { kpiCsv, kpiExportRows, kpiXlsx } from "../cases/kpi-export.ts";
import { departmentKpis, type KpiInterval, kpiTrend } from "../cases/kpis.ts";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import type { StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf, departmentFilter } from "./staff-auth.ts";
import { dateParam, staffErrorResponses } from "./staff-schemas.ts";

const rate = { type: ["number", "null"], minimum: 0, maximum: 1 } as const;
const hours = { type: ["number", "null"], minimum: 0 } as const;

const figureProperties = {
  received: { type: "integer" },
  resolved: { type: "integer" },
  acceptOnTimeRate: rate,
  onTimeRate: rate,
  medianHoursToAccept: hours,
  medianHoursToResolve: hours,
  rated: { type: "integer" },
  satisfactionRate: rate,
  reopenRate: rate,
  /** 表扬数: praise received; praise counts in no other figure. */
  praise: { type: "integer" },
} as const;
const figureNames = Object.keys(figureProperties);

const departmentKpisSchema = {
  type: "object",
  required: ["departmentCode", "departmentName", ...figureNames],
  properties: { departmentCode: { type: "string" }, departmentName: { type: "string" }, ...figureProperties },
} as const;

const periodQuery = { from: dateParam, to: dateParam, department: { type: "string", minLength: 1 } } as const;

const kpiQuerySchema = {
  type: "object",
  required: ["from", "to"],
  additionalProperties: false,
  properties: periodQuery,
} as const;

interface KpiQuerystring {
  from: string;
  to: string;
  department?: string;
}

export interface StaffKpiRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "departmentName">;
  /** The zone a period's dates, weeks and months are read in. */
  timeZone: string;
}

export async function staffKpiRoutes(app: FastifyInstance, { prisma, cases, timeZone }: StaffKpiRoutesOptions) {
  const authenticated = { onRequest: requireStaff(cases.sessions) };

  /** Who asks, for which period and department: the one place the department rule is applied. */
  function kpiQuery(request: FastifyRequest<{ Querystring: KpiQuerystring }>) {
    const staff = staffOf(request);
    const department = departmentFilter(staff, request.query.department);
    const from = periodBound(request.query.from, "from", timeZone, "querystring.from")!;
    const to = periodBound(request.query.to, "to", timeZone, "querystring.to")!;
    if (to.getTime() <= from.getTime()) throw new HttpError(400, "querystring.to must be after querystring.from");
    return { staff, period: { from, to }, department };
  }

  function audit(
    staff: StaffPrincipal,
    action: "view_kpis" | "export_kpis",
    q: ReturnType<typeof kpiQuery>,
    more = {},
  ) {
    return recordStaffAudit(prisma, staff, action, undefined, {
      from: q.period.from.toISOString(),
      to: q.period.to.toISOString(),
      department: q.department ?? null,
      ...more,
    });
  }

  const named = <R extends { departmentCode: string }>(r: R) => ({
    ...r,
    departmentName: cases.departmentName(r.departmentCode),
  });

  app.get<{ Querystring: KpiQuerystring }>(
    "/kpis",
    {
      ...authenticated,
      schema: {
        querystring: kpiQuerySchema,
        response: {
          200: {
            type: "object",
            required: ["from", "to", "departments"],
            properties: {
              from: { type: "string", format: "date-time" },
              to: { type: "string", format: "date-time" },
              departments: { type: "array", items: departmentKpisSchema },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const q = kpiQuery(request);
      const rows = await departmentKpis(prisma, q.period, q.department);
      await audit(q.staff, "view_kpis", q);
      return { from: q.period.from.toISOString(), to: q.period.to.toISOString(), departments: rows.map(named) };
    },
  );

  app.get<{ Querystring: KpiQuerystring & { interval: KpiInterval } }>(
    "/kpis/trend",
    {
      ...authenticated,
      schema: {
        querystring: {
          ...kpiQuerySchema,
          properties: { ...periodQuery, interval: { type: "string", enum: ["week", "month"], default: "month" } },
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "interval", "periods"],
            properties: {
              from: { type: "string", format: "date-time" },
              to: { type: "string", format: "date-time" },
              interval: { type: "string", enum: ["week", "month"] },
              periods: {
                type: "array",
                items: {
                  type: "object",
                  required: ["start", "total", "departments"],
                  properties: {
                    /** The local day the week (a Monday) or month begins. */
                    start: { type: "string", format: "date" },
                    total: { type: "object", required: figureNames, properties: figureProperties },
                    departments: { type: "array", items: departmentKpisSchema },
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
      const q = kpiQuery(request);
      const { interval } = request.query;
      const periods = await kpiTrend(prisma, { period: q.period, departmentCode: q.department, interval, timeZone });
      await audit(q.staff, "view_kpis", q, { interval });
      return {
        from: q.period.from.toISOString(),
        to: q.period.to.toISOString(),
        interval,
        periods: periods.map((p) => ({ ...p, departments: p.departments.map(named) })),
      };
    },
  );

  const exportSchema = {
    querystring: kpiQuerySchema,
    response: { 200: { type: "string" }, ...staffErrorResponses },
  } as const;
  /** kpis-2026-11-01-2026-11-30.csv: the period's first and last local day. */
  const fileName = (q: ReturnType<typeof kpiQuery>, ext: string) =>
    `kpis-${localDate(q.period.from, timeZone)}-${localDate(new Date(q.period.to.getTime() - 1), timeZone)}.${ext}`;

  app.get<{ Querystring: KpiQuerystring }>(
    "/kpis/export.csv",
    { ...authenticated, schema: exportSchema },
    async (request, reply) => {
      const q = kpiQuery(request);
      const rows = kpiExportRows(await departmentKpis(prisma, q.period, q.department), cases.departmentName);
      await audit(q.staff, "export_kpis", q, { format: "csv" });
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${fileName(q, "csv")}"`)
        .send(kpiCsv(rows));
    },
  );

  app.get<{ Querystring: KpiQuerystring }>(
    "/kpis/export.xlsx",
    { ...authenticated, schema: exportSchema },
    async (request, reply) => {
      const q = kpiQuery(request);
      const rows = kpiExportRows(await departmentKpis(prisma, q.period, q.department), cases.departmentName);
      await audit(q.staff, "export_kpis", q, { format: "xlsx" });
      return reply
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .header("content-disposition", `attachment; filename="${fileName(q, "xlsx")}"`)
        .send(await kpiXlsx(rows, "办理情况统计"));
    },
  );
}
