// The department API for tickets: list and filter, read one (with its full history),
// act on it, add internal notes, read the citizen's conversation, and staff notices.
// A department's staff see only their department's tickets (others are 404 to them);
// every request is in the staff audit log, every action also in the ticket's chain.
import type { SuggestionVerdict } from "../tickets/suggestion-verdict.ts";
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import { countTickets, findTickets } from "../cases/ticket-queries.ts";
import { workingSecondsLeft } from "../cases/time-left.ts";
import { localDate } from "../calendar/zoned-days.ts";
import { allowedActions } from "../staff/allowed-actions.ts";
import type { PrismaClient } from "../db/database.ts";
import { maskText } from "../privacy/mask.ts";
import { actorOf, canAct, canSee, seesContactDetails, type StaffAction, type StaffPrincipal } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import type { ReturnReasonCode, TicketAction } from "../tickets/lifecycle.ts";
import { ActionRejected, stateOf } from "../cases/ticket-actions.ts";
import { TICKET_STATUSES } from "../tickets/ticket-status.ts";
import { periodBound } from "./date-params.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf, departmentFilter } from "./staff-auth.ts";
import {
  actionBodySchema,
  conversationMessageSchema,
  dateParam,
  staffErrorResponses,
  ticketDetailSchema,
  ticketNumberParams,
  ticketSummarySchema,
} from "./staff-schemas.ts";
import { messagesOfTicket } from "./staff-conversation-view.ts";
import { ticketDetail, ticketSummary } from "./staff-ticket-view.ts";

/** Rows read to find a ticket's part of a conversation, and the messages shown (the latest). */
const MAX_CONVERSATION_ROWS = 5000;
const MAX_CONVERSATION_MESSAGES = 500;

interface ListQuery {
  status?: string[];
  overdue?: boolean;
  department?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

interface ActionBody {
  action: StaffAction;
  note?: string;
  reason?: string;
  reasonCode?: ReturnReasonCode;
  newDeadline?: string;
  reply?: string;
  verdict?: SuggestionVerdict;
  departmentCode?: string;
  parentNumber?: string;
  expectedVersion?: number;
}

type Params = { number: string };

export interface StaffTicketRoutesOptions {
  prisma: PrismaClient;
  /** Logins, the lifecycle service staff act through, and department names. */
  cases: Pick<Cases, "sessions" | "actions" | "departmentName" | "knowledge">;
  /** The zone the list's dates are read in. */
  timeZone: string;
  /** CASE_REOPEN_DAYS (which actions a ticket allows) and WORKBENCH_DUE_SOON_HOURS (the inbox). */
  workbench: { reopenWindowDays: number; dueSoonHours: number; duplicateWindowHours: number };
}

export async function staffTicketRoutes(
  app: FastifyInstance,
  { prisma, cases, timeZone, workbench }: StaffTicketRoutesOptions,
) {
  app.addHook("onRequest", requireStaff(cases.sessions));

  /** The ticket, if this member of staff may see it (404 otherwise: its existence is not theirs to know). */
  async function visibleTicket(staff: StaffPrincipal, number: string) {
    const ticket = await prisma.ticket.findUnique({ where: { number } });
    if (!ticket || !canSee(staff, ticket)) throw new HttpError(404, `No ticket numbered ${number}`);
    return ticket;
  }

  async function detail(staff: StaffPrincipal, number: string) {
    const ticket = await prisma.ticket.findUniqueOrThrow({
      where: { number },
      include: {
        events: { orderBy: { seq: "asc" } },
        parent: { select: { number: true } },
        children: { select: { number: true }, orderBy: { number: "asc" } },
        attachments: { orderBy: { createdAt: "asc" } },
      },
    });
    const now = new Date();
    const calendar = cases.knowledge().calendar;
    const until = ticket.extensionRequestedUntil;
    return ticketDetail(staff, ticket, cases.departmentName, {
      allowedActions: allowedActions(staff, stateOf(ticket), { now, reopenWindowDays: workbench.reopenWindowDays }),
      workingSecondsLeft: workingSecondsLeft(ticket, calendar, now),
      // The end of the day asked for is midnight after it: the day is the instant just before.
      pendingExtensionDay: until ? localDate(new Date(until.getTime() - 1), timeZone) : null,
    });
  }

  app.get<{ Querystring: ListQuery }>(
    "/tickets",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            status: { type: "array", items: { type: "string", enum: [...TICKET_STATUSES] } },
            overdue: { type: "boolean" },
            department: { type: "string", minLength: 1 },
            from: dateParam,
            to: dateParam,
            limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
            offset: { type: "integer", minimum: 0, default: 0 },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["total", "totalCapped", "tickets"],
            properties: {
              total: { type: "integer" },
              totalCapped: { type: "boolean" },
              tickets: { type: "array", items: ticketSummarySchema },
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
      const filter = {
        ...(q.status && { statuses: q.status }),
        ...(q.overdue !== undefined && { overdue: q.overdue }),
        ...(department !== undefined && { departmentCode: department }),
        ...(q.from && { from: periodBound(q.from, "from", timeZone, "querystring.from") }),
        ...(q.to && { to: periodBound(q.to, "to", timeZone, "querystring.to") }),
      };
      const [{ total, capped }, tickets] = await Promise.all([
        countTickets(prisma, filter),
        findTickets(prisma, { ...filter, limit: q.limit, offset: q.offset }),
      ]);
      await recordStaffAudit(prisma, staff, "list_tickets", undefined, { query: { ...q }, total, totalCapped: capped });
      return { total, totalCapped: capped, tickets: tickets.map((t) => ticketSummary(staff, t)) };
    },
  );

  app.get<{ Params: Params }>(
    "/tickets/:number",
    { schema: { params: ticketNumberParams, response: { 200: ticketDetailSchema, ...staffErrorResponses } } },
    async (request) => {
      const staff = staffOf(request);
      await visibleTicket(staff, request.params.number);
      await recordStaffAudit(prisma, staff, "view_ticket", request.params.number);
      return detail(staff, request.params.number);
    },
  );

  /**
   * Applies a staff action with its audit entry in one transaction: the one path every
   * staff action takes (single or bulk): who may see it, who may do it, what the lifecycle allows.
   * Returns the ticket's status after it.
   */
  async function applyAction(
    staff: StaffPrincipal,
    number: string,
    name: StaffAction,
    action: TicketAction,
    expectedVersion?: number,
  ): Promise<string> {
    const ticket = await visibleTicket(staff, number);
    if (!canAct(staff, name, ticket)) throw new HttpError(403, `A ${staff.role} may not ${name} this ticket`);
    const actions = cases.actions;
    try {
      const applied = await actions.transaction(async (tx) => {
        const result = await actions.applyIn(
          tx,
          { id: ticket.id },
          action,
          actorOf(staff),
          expectedVersion === undefined ? {} : { expectedVersion },
        );
        await recordStaffAudit(tx, staff, "ticket_action", number, {
          action: name,
          version: result[0]!.ticket.version,
        });
        return result;
      });
      await actions.afterCommit(applied);
      return applied[0]!.ticket.status;
    } catch (error) {
      if (error instanceof ActionRejected)
        throw new HttpError(error.kind === "conflict" ? 409 : error.kind === "invalid" ? 400 : 404, error.message);
      throw error;
    }
  }

  async function act(
    staff: StaffPrincipal,
    number: string,
    name: StaffAction,
    action: TicketAction,
    expectedVersion?: number,
  ) {
    await applyAction(staff, number, name, action, expectedVersion);
    return detail(staff, number);
  }

  app.post<{ Params: Params; Body: ActionBody }>(
    "/tickets/:number/actions",
    {
      schema: {
        params: ticketNumberParams,
        body: actionBodySchema,
        response: { 200: ticketDetailSchema, ...staffErrorResponses },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const action = await toTicketAction(request.body);
      return act(staff, request.params.number, request.body.action, action, request.body.expectedVersion);
    },
  );

  // The dispatch centre's 批量改派: each ticket through applyAction, as if acted on alone;
  // one refused ticket does not stop the others.
  app.post<{ Body: { numbers: string[]; action: "reassign"; departmentCode: string; reason?: string } }>(
    "/tickets/bulk-actions",
    {
      schema: {
        body: {
          type: "object",
          required: ["numbers", "action", "departmentCode"],
          additionalProperties: false,
          properties: {
            numbers: {
              type: "array",
              minItems: 1,
              maxItems: 100,
              uniqueItems: true,
              items: ticketNumberParams.properties.number,
            },
            action: { type: "string", enum: ["reassign"] },
            departmentCode: { type: "string", minLength: 1 },
            reason: { type: "string", minLength: 1, maxLength: 2000, pattern: "\\S" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["results"],
            properties: {
              results: {
                type: "array",
                items: {
                  type: "object",
                  required: ["number", "ok"],
                  properties: {
                    number: { type: "string" },
                    ok: { type: "boolean" },
                    status: { type: "string" },
                    error: { type: "string" },
                    statusCode: { type: "integer" },
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
      const { numbers, departmentCode } = request.body;
      const reason = request.body.reason ?? "派单中心批量改派";
      const results = [];
      // One after the other: each is its own transaction, in the order given.
      for (const number of numbers) {
        try {
          const status = await applyAction(staff, number, "reassign", { type: "reassign", departmentCode, reason });
          results.push({ number, ok: true, status });
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          results.push({ number, ok: false, error: error.message, statusCode: error.statusCode });
        }
      }
      await recordStaffAudit(prisma, staff, "bulk_action", undefined, {
        action: "reassign",
        departmentCode,
        ok: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
      });
      return { results };
    },
  );

  app.post<{ Params: Params; Body: { text: string } }>(
    "/tickets/:number/notes",
    {
      schema: {
        params: ticketNumberParams,
        body: {
          type: "object",
          required: ["text"],
          additionalProperties: false,
          properties: { text: { type: "string", minLength: 1, maxLength: 4000, pattern: "\\S" } },
        },
        response: { 200: ticketDetailSchema, ...staffErrorResponses },
      },
    },
    async (request) => act(staffOf(request), request.params.number, "note", { type: "note", text: request.body.text }),
  );

  app.get<{ Params: Params }>(
    "/tickets/:number/conversation",
    {
      schema: {
        params: ticketNumberParams,
        response: {
          200: {
            type: "object",
            required: ["number", "masked", "messages"],
            properties: {
              number: { type: "string" },
              masked: { type: "boolean" },
              messages: {
                type: "array",
                items: conversationMessageSchema,
              },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      const ticket = await visibleTicket(staff, request.params.number);
      const masked = !seesContactDetails(staff, ticket);
      // Only this ticket's part of the conversation (src/http/staff-conversation-view.ts says which).
      const tickets = await prisma.ticket.findMany({
        where: { conversationId: ticket.conversationId },
        select: { number: true, sourceMessageId: true, createdAt: true },
      });
      // Nothing said before the ticket filed just before this one can be this ticket's.
      const previous = tickets
        .map((t) => t.createdAt)
        .filter((at) => at.getTime() < ticket.createdAt.getTime())
        .reduce<Date | undefined>((latest, at) => (latest && latest > at ? latest : at), undefined);
      const rows = await prisma.message.findMany({
        where: { conversationId: ticket.conversationId, ...(previous && { createdAt: { gte: previous } }) },
        select: { id: true, direction: true, text: true, outcome: true, createdAt: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: MAX_CONVERSATION_ROWS,
      });
      const messages = messagesOfTicket(rows, tickets, ticket.number).slice(0, MAX_CONVERSATION_MESSAGES);
      await recordStaffAudit(prisma, staff, "view_conversation", ticket.number, { masked, messages: messages.length });
      return {
        number: ticket.number,
        masked,
        messages: masked ? messages.map((m) => ({ ...m, text: maskText(m.text) })) : messages,
      };
    },
  );

  app.get(
    "/notices",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["notices"],
            properties: {
              notices: {
                type: "array",
                items: {
                  type: "object",
                  required: ["kind", "text", "ticketNumber", "at"],
                  properties: {
                    kind: { type: "string" },
                    text: { type: "string" },
                    ticketNumber: { type: "string" },
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
      const audiences = [`role:${staff.role}`, ...(staff.departmentCode ? [`department:${staff.departmentCode}`] : [])];
      const notices = await prisma.staffNotice.findMany({
        where: { audience: { in: audiences } },
        include: { ticket: { select: { number: true } } },
        orderBy: { createdAt: "desc" },
        take: 100,
      });
      await recordStaffAudit(prisma, staff, "view_notices", undefined, { count: notices.length });
      return {
        notices: notices.map((n) => ({
          kind: n.kind,
          text: n.text,
          ticketNumber: n.ticket.number,
          at: n.createdAt.toISOString(),
        })),
      };
    },
  );

  /** The body as a lifecycle action (the schema has checked each action's required fields). */
  async function toTicketAction(body: ActionBody): Promise<TicketAction> {
    switch (body.action) {
      case "accept":
      case "start":
      case "resume":
      case "close":
        return { type: body.action, ...(body.note && { note: body.note }) };
      case "resolve":
        return {
          type: "resolve",
          ...(body.reply && { reply: body.reply }),
          ...(body.note && { note: body.note }),
          ...(body.verdict && { verdict: body.verdict }),
        };
      case "transfer":
      case "reassign":
        return { type: body.action, departmentCode: body.departmentCode!, reason: body.reason! };
      case "return":
        return { type: "return", reasonCode: body.reasonCode!, ...(body.reason && { reason: body.reason }) };
      case "request_extension": {
        const newDeadline = cases.knowledge().calendar.endOfWorkingDay(body.newDeadline!);
        if (!newDeadline) throw new HttpError(400, `newDeadline ${body.newDeadline} is not a working day`);
        return { type: "request_extension", reason: body.reason!, newDeadline };
      }
      case "approve_extension":
      case "refuse_extension":
        return { type: body.action, ...(body.note && { note: body.note }) };
      case "supervise":
        return { type: "supervise", note: body.note! };
      case "reject":
      case "suspend":
      case "reopen":
        return { type: body.action, reason: body.reason! };
      case "note":
        return { type: "note", text: body.note! };
      case "merge": {
        // Merge into the root of the parent's family, so the department works one case.
        let parent = await prisma.ticket.findUnique({ where: { number: body.parentNumber! } });
        if (parent?.parentId) parent = await prisma.ticket.findUnique({ where: { id: parent.parentId } });
        if (!parent) throw new HttpError(404, `No ticket numbered ${body.parentNumber}`);
        return { type: "merge", parentId: parent.id, parentNumber: parent.number, reason: body.reason! };
      }
    }
  }
}
