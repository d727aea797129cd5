// The workbench inbox (工作台): GET /api/staff/inbox — one tab's page of tickets, the
// counts of every tab, search by number or text, by phone (only for those who see
// contact details), by department and filing period. Department staff see only their
// department, as in GET /tickets. Every request is in the staff audit log, with any
// phone number masked.
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import { queryInbox } from "../cases/inbox-query.ts";
import { INBOX_TABS, type InboxTab } from "../cases/inbox-tabs.ts";
import { KIND_FILTERS, type KindFilter } from "../cases/kind-filter.ts";
import { workingSecondsLeft } from "../cases/time-left.ts";
import type { PrismaClient } from "../db/database.ts";
import { maskText } from "../privacy/mask.ts";
import { mayFindByPhone } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf, departmentFilter } from "./staff-auth.ts";
import { dateParam, inboxTicketSchema, staffErrorResponses } from "./staff-schemas.ts";
import { ticketSummary } from "./staff-ticket-view.ts";

interface InboxQuery {
  tab: InboxTab;
  q?: string;
  phone?: string;
  from?: string;
  to?: string;
  department?: string;
  resolved?: boolean;
  kind?: KindFilter;
  limit: number;
  offset: number;
}

export interface StaffInboxRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions" | "knowledge">;
  timeZone: string;
  workbench: { dueSoonHours: number };
}

const countsSchema = {
  type: "object",
  required: [...INBOX_TABS],
  properties: Object.fromEntries(INBOX_TABS.map((tab) => [tab, { type: "integer" }])),
} as const;

export async function staffInboxRoutes(
  app: FastifyInstance,
  { prisma, cases, timeZone, workbench }: StaffInboxRoutesOptions,
) {
  app.addHook("onRequest", requireStaff(cases.sessions));

  app.get<{ Querystring: InboxQuery }>(
    "/inbox",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            tab: { type: "string", enum: [...INBOX_TABS], default: "pending" },
            q: { type: "string", minLength: 1, maxLength: 200 },
            phone: { type: "string", pattern: "^[0-9+() -]{4,24}$" },
            from: dateParam,
            to: dateParam,
            department: { type: "string", minLength: 1 },
            /** Only tickets the department has answered (办结; the KPIs' 办结量), whatever happened since. */
            resolved: { type: "boolean" },
            /** work: complaints, requests for help and suggestions (统计's 受理量); praise: 表扬数. */
            kind: { type: "string", enum: [...KIND_FILTERS] },
            limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["counts", "total", "tickets"],
            properties: {
              counts: countsSchema,
              total: { type: "integer" },
              tickets: { type: "array", items: inboxTicketSchema },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const q = request.query;
      const department = departmentFilter(staff, q.department);
      if (q.phone !== undefined && !mayFindByPhone(staff)) {
        throw new HttpError(403, `A ${staff.role} does not see contact details and may not search by phone number`);
      }
      const phoneDigits = q.phone?.replace(/\D/g, "");
      if (phoneDigits !== undefined && phoneDigits.length < 4) {
        throw new HttpError(400, "querystring.phone needs at least 4 digits");
      }
      const knowledge = cases.knowledge();
      const now = new Date();
      const result = await queryInbox(
        prisma,
        {
          tab: q.tab,
          ...(department !== undefined && { departmentCode: department }),
          ...(q.q && { q: q.q }),
          ...(phoneDigits && { phoneDigits }),
          ...(q.from && { from: periodBound(q.from, "from", timeZone, "querystring.from") }),
          ...(q.to && { to: periodBound(q.to, "to", timeZone, "querystring.to") }),
          ...(q.resolved && { resolved: true }),
          ...(q.kind && { kind: q.kind }),
          limit: q.limit,
          offset: q.offset,
        },
        {
          now,
          dueSoonUntil: knowledge.calendar.addWorkingTime(now, workbench.dueSoonHours * 3600_000),
          dispatcher: knowledge.departments.dispatcher,
        },
      );
      await recordStaffAudit(prisma, staff, "view_inbox", undefined, {
        // A search may quote a citizen's number too ("13812345678" typed into q).
        query: {
          ...q,
          ...(q.q !== undefined && { q: maskText(q.q) }),
          ...(q.phone !== undefined && { phone: maskedPhone(q.phone) }),
        },
        total: result.total,
      });
      return {
        counts: result.counts,
        total: result.total,
        tickets: result.tickets.map((t) => ({
          ...ticketSummary(staff, t),
          workingSecondsLeft: workingSecondsLeft(t, knowledge.calendar, now),
        })),
      };
    },
  );
}

/** A searched phone number, for the audit log: masked like in logs; a fragment keeps only its last 4 digits. */
function maskedPhone(phone: string): string {
  const masked = maskText(phone);
  return masked !== phone ? masked : phone.replace(/\d(?=(?:\D*\d){4})/g, "*");
}
