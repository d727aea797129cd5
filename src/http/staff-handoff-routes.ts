// The hand-off to a person (人工) for agents (docs/handoff.md): the queue, one
// conversation's history (masked per role, like a ticket's conversation), pick up,
// reply on the citizen's channel, hand back to the bot, file a ticket. Agents are the
// dispatch centre and admins (src/staff/roles.ts: isHandoffAgent). Every step is in the
// staff audit; the logic is src/conversation/agent-desk.ts.
import type { FastifyInstance } from "fastify";
import type { Cases } from "../cases/cases.ts";
import type { PrismaClient } from "../db/database.ts";
import { type AgentDesk, HandoffRefused, type HandoffSummary } from "../conversation/agent-desk.ts";
import { HANDOFF_STATUSES } from "../conversation/handoff-rules.ts";
import { maskText } from "../privacy/mask.ts";
import { isHandoffAgent, type StaffPrincipal, seesContactDetails } from "../staff/roles.ts";
import { recordStaffAudit } from "../staff/staff-audit.ts";
import { HttpError } from "./error-handler.ts";
import { requireStaff, staffOf } from "./staff-auth.ts";
import { conversationMessageSchema, staffErrorResponses } from "./staff-schemas.ts";

export interface StaffHandoffRoutesOptions {
  prisma: PrismaClient;
  cases: Pick<Cases, "sessions">;
  agents: AgentDesk;
}

// Ajv here has no "format": ISO instants and ids by pattern.
const INSTANT = { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T" } as const;
const NULLABLE_INSTANT = { type: ["string", "null"], pattern: "^\\d{4}-\\d{2}-\\d{2}T" } as const;
const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "string", pattern: "^[0-9a-f-]{36}$" } },
} as const;

const summarySchema = {
  type: "object",
  required: ["id", "channel", "queue", "status", "requestedAt", "pickedUpAt", "agent", "replyBy", "lastMessage"],
  properties: {
    id: { type: "string" },
    channel: { type: "string" },
    queue: { type: "string" },
    status: { type: "string", enum: [...HANDOFF_STATUSES] },
    requestedAt: INSTANT,
    pickedUpAt: NULLABLE_INSTANT,
    agent: { type: ["string", "null"] },
    replyBy: NULLABLE_INSTANT,
    lastMessage: {
      type: ["object", "null"],
      required: ["text", "at"],
      properties: { text: { type: "string" }, at: INSTANT },
    },
  },
} as const;

const okSchema = {
  type: "object",
  required: ["ok"],
  properties: { ok: { type: "boolean" }, number: { type: "string" } },
} as const;

const textBody = (extra: Record<string, unknown> = {}) =>
  ({
    type: "object",
    required: ["text"],
    additionalProperties: false,
    properties: { text: { type: "string", minLength: 1, maxLength: 2000, pattern: "\\S" }, ...extra },
  }) as const;

/** Agents see the citizen's words masked unless their role sees contact details (none of the agent roles does). */
const masker = (staff: StaffPrincipal) =>
  seesContactDetails(staff, { departmentCode: null }) ? (text: string) => text : maskText;

function agentOf(staff: StaffPrincipal): StaffPrincipal {
  if (!isHandoffAgent(staff)) throw new HttpError(403, "人工服务由派单中心和管理员接待，您没有权限。");
  return staff;
}

function asHttp(error: unknown): never {
  if (error instanceof HandoffRefused)
    throw new HttpError(error.reason === "not_found" ? 404 : error.reason === "conflict" ? 409 : 422, error.message);
  throw error;
}

export async function staffHandoffRoutes(app: FastifyInstance, { prisma, cases, agents }: StaffHandoffRoutesOptions) {
  app.addHook("onRequest", requireStaff(cases.sessions));

  const show = (staff: StaffPrincipal) => {
    const mask = masker(staff);
    return (s: HandoffSummary) => ({
      ...s,
      requestedAt: s.requestedAt.toISOString(),
      pickedUpAt: s.pickedUpAt?.toISOString() ?? null,
      replyBy: s.replyBy?.toISOString() ?? null,
      lastMessage: s.lastMessage && { text: mask(s.lastMessage.text), at: s.lastMessage.at.toISOString() },
    });
  };

  app.get(
    "/handoffs",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["now", "waiting", "messages", "mine"],
            properties: {
              now: INSTANT,
              waiting: { type: "array", items: summarySchema },
              messages: { type: "array", items: summarySchema },
              mine: { type: "array", items: summarySchema },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = agentOf(staffOf(request));
      const list = await agents.list(staff.username);
      const view = show(staff);
      await recordStaffAudit(prisma, staff, "view_handoffs", undefined, {
        waiting: list.waiting.length,
        messages: list.messages.length,
        mine: list.mine.length,
      });
      return {
        now: new Date().toISOString(),
        waiting: list.waiting.map(view),
        messages: list.messages.map(view),
        mine: list.mine.map(view),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/handoffs/:id",
    {
      schema: {
        params: idParams,
        response: {
          200: {
            type: "object",
            required: ["handoff", "masked", "history", "replyWindow"],
            properties: {
              handoff: summarySchema,
              masked: { type: "boolean" },
              history: {
                type: "array",
                items: conversationMessageSchema,
              },
              replyWindow: {
                type: "object",
                required: ["open", "closesAt"],
                properties: { open: { type: "boolean" }, closesAt: NULLABLE_INSTANT },
              },
            },
          },
          ...staffErrorResponses,
        },
      },
    },
    async (request) => {
      const staff = agentOf(staffOf(request));
      const { session, history, replyWindow } = await agents.view(request.params.id).catch(asHttp);
      const mask = masker(staff);
      await recordStaffAudit(prisma, staff, "view_handoff", session.id, { lines: history.length });
      const lastIn = history.filter((h) => h.direction === "in").at(-1);
      return {
        handoff: show(staff)({
          ...session,
          status: session.status as HandoffSummary["status"],
          lastMessage: lastIn ? { text: lastIn.text, at: lastIn.at } : null,
        }),
        masked: mask === maskText,
        history: history.map((h) => ({ direction: h.direction, text: mask(h.text), at: h.at.toISOString() })),
        replyWindow: { open: replyWindow.open, closesAt: replyWindow.closesAt?.toISOString() ?? null },
      };
    },
  );

  const action = {
    params: idParams,
    response: { 200: okSchema, ...staffErrorResponses, 422: staffErrorResponses[409] },
  };

  app.post<{ Params: { id: string } }>("/handoffs/:id/pickup", { schema: action }, async (request) => {
    const staff = agentOf(staffOf(request));
    await agents.pickUp(request.params.id, staff.username).catch(asHttp);
    await recordStaffAudit(prisma, staff, "handoff_pick_up", request.params.id);
    return { ok: true };
  });

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    "/handoffs/:id/replies",
    { schema: { ...action, body: textBody() } },
    async (request) => {
      const staff = agentOf(staffOf(request));
      const { deliveryId } = await agents
        .reply(request.params.id, staff.username, request.body.text.trim())
        .catch(asHttp);
      await recordStaffAudit(prisma, staff, "handoff_reply", request.params.id, {
        deliveryId,
        text: maskText(request.body.text),
      });
      return { ok: true };
    },
  );

  app.post<{ Params: { id: string } }>("/handoffs/:id/hand-back", { schema: action }, async (request) => {
    const staff = agentOf(staffOf(request));
    await agents.handBack(request.params.id, staff.username).catch(asHttp);
    await recordStaffAudit(prisma, staff, "handoff_hand_back", request.params.id);
    return { ok: true };
  });

  app.post<{ Params: { id: string }; Body: { text: string; kind?: "complaint" | "help" } }>(
    "/handoffs/:id/tickets",
    {
      schema: {
        ...action,
        body: textBody({ kind: { type: "string", enum: ["complaint", "help"], default: "complaint" } }),
      },
    },
    async (request) => {
      const staff = agentOf(staffOf(request));
      const { number } = await agents
        .fileTicket(request.params.id, staff.username, {
          text: request.body.text.trim(),
          kind: request.body.kind ?? "complaint",
        })
        .catch(asHttp);
      await recordStaffAudit(prisma, staff, "handoff_ticket", request.params.id, { number });
      return { ok: true, number };
    },
  );
}
