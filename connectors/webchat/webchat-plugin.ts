// Web chat: the simplest channel. Its wire format is already JSON; the HTTP API and the
// WebSocket both map it to an InboundMessage through answerChat (chat-exchange.ts).
// The session token travels in the X-Chat-Session header both ways (chat-session.ts).
// Expects @fastify/websocket to be registered on the app (build-app.ts does).
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../../src/db/database.ts";
import { errorResponses } from "../../src/http/error-schema.ts";
import { answerChat, type ChatPipeline } from "./chat-exchange.ts";
import {
  chatRequestSchema,
  chatResponseSchema,
  noticeSchema,
  quickRepliesSchema,
  type ChatRequest,
} from "./chat-schema.ts";
import type { NoticeListener } from "./notice-listener.ts";
import type { PopularItems } from "../../src/conversation/popular-items.ts";
import type { NoticePayload } from "./notice.ts";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import { SESSION_HEADER, SessionStore } from "./chat-session.ts";
import { chatSocketRoutes } from "./chat-socket.ts";
import type { WebchatLimits } from "./webchat-config.ts";
import { widgetAssetRoutes } from "./widget-assets.ts";

export interface WebchatOptions {
  pipeline: ChatPipeline;
  prisma: PrismaClient;
  limits: WebchatLimits;
  notices: NoticeListener;
  /** The most asked items, offered as buttons on the empty start screen. */
  popular: PopularItems;
}

const START_GREETING = "您好！我是政务服务智能助手。请问您想办什么事？可以直接输入，也可以点下面大家常问的事项：";

/** How far back a page that was closed catches up on notices, at most. */
const NOTICES_CATCH_UP_MS = 30 * 24 * 3600 * 1000;
const NOTICES_MAX = 50;

export async function webchatPlugin(
  app: FastifyInstance,
  { pipeline, prisma, limits, notices, popular }: WebchatOptions,
) {
  const sessions = new SessionStore(prisma);
  await app.register(widgetAssetRoutes);
  await app.register(chatSocketRoutes, { pipeline, sessions, limits, notices });

  // The empty start screen: a greeting and the most asked items as buttons, so a citizen
  // who does not know what to type has something to tap. Nothing personal: no session needed.
  app.get(
    "/api/chat/start",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["greeting", "quickReplies"],
            properties: {
              greeting: { type: "string" },
              quickReplies: quickRepliesSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => ({
      greeting: START_GREETING,
      quickReplies: (await popular.top()).map((item) => ({ label: item.name, text: item.name })),
    }),
  );

  // What the hub said on its own since `after` (a page that was closed catches up): the
  // same notices the socket pushes live, by delivery. A token that is no live session's
  // gets none (and no session: only a message starts one).
  app.get<{ Querystring: { after?: string }; Headers: { [SESSION_HEADER]?: string } }>(
    "/api/chat/notices",
    {
      schema: {
        headers: { type: "object", properties: { [SESSION_HEADER]: { type: "string" } } },
        querystring: {
          type: "object",
          additionalProperties: false,
          // An ISO instant, as the notices' own `at` (the validator here knows no "date-time" format).
          properties: {
            after: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["notices"],
            properties: { notices: { type: "array", items: noticeSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const session = await sessions.resume(request.headers[SESSION_HEADER]);
      if (session.isNew) return { notices: [] };
      const floor = new Date(Date.now() - NOTICES_CATCH_UP_MS);
      const after = request.query.after ? new Date(request.query.after) : floor;
      const rows = await prisma.message.findMany({
        where: {
          conversationId: conversationIdFor("webchat", session.userId),
          direction: "out",
          createdAt: { gt: after > floor ? after : floor },
        },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        take: NOTICES_MAX,
      });
      return { notices: groupNotices(rows.reverse()) };
    },
  );

  app.post<{ Body: ChatRequest; Headers: { [SESSION_HEADER]?: string } }>(
    "/api/chat/messages",
    {
      schema: {
        // Any value is accepted: one that is not a live session's token just gets a new session.
        headers: { type: "object", properties: { [SESSION_HEADER]: { type: "string" } } },
        body: chatRequestSchema,
        response: { 200: chatResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = await sessions.resume(request.headers[SESSION_HEADER]);
      reply.header(SESSION_HEADER, session.token);
      return answerChat(pipeline, session, request.body);
    },
  );
}

/** Stored notice lines (id "<delivery>:<n>") back into one notice per delivery, oldest first. */
function groupNotices(rows: { id: string; text: string; raw: unknown; createdAt: Date }[]): NoticePayload[] {
  const byDelivery = new Map<string, NoticePayload>();
  for (const row of rows) {
    const id = row.id.split(":")[0]!;
    const notice = byDelivery.get(id) ?? { id, at: row.createdAt.toISOString(), replies: [] };
    const quickReplies = (row.raw as { quickReplies?: NoticePayload["replies"][number]["quickReplies"] } | null)
      ?.quickReplies;
    notice.replies.push({ type: "text", text: row.text, ...(quickReplies && { quickReplies }) });
    byDelivery.set(id, notice);
  }
  return [...byDelivery.values()];
}
