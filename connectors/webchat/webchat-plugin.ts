// Web chat: the simplest channel. Its wire format is already JSON; the HTTP API and the
// WebSocket both map it to an InboundMessage through answerChat (chat-exchange.ts).
// The session token travels in the X-Chat-Session header both ways (chat-session.ts).
// Expects @fastify/websocket to be registered on the app (build-app.ts does).
import type { FastifyInstance } from "fastify";
import type { PrismaClient } from "../../src/db/database.ts";
import { errorResponses } from "../../src/http/error-schema.ts";
import { answerChat, type ChatPipeline } from "./chat-exchange.ts";
import { chatRequestSchema, chatResponseSchema, type ChatRequest } from "./chat-schema.ts";
import { SESSION_HEADER, SessionStore } from "./chat-session.ts";
import { chatSocketRoutes } from "./chat-socket.ts";
import type { WebchatLimits } from "./webchat-config.ts";
import { widgetAssetRoutes } from "./widget-assets.ts";

export interface WebchatOptions {
  pipeline: ChatPipeline;
  prisma: PrismaClient;
  limits: WebchatLimits;
}

export async function webchatPlugin(app: FastifyInstance, { pipeline, prisma, limits }: WebchatOptions) {
  const sessions = new SessionStore(prisma);
  await app.register(widgetAssetRoutes);
  await app.register(chatSocketRoutes, { pipeline, sessions, limits });

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
