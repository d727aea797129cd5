// Web chat: the simplest channel. Its wire format is already JSON; the HTTP API and the
// WebSocket both map it to an InboundMessage through answerChat (chat-exchange.ts).
// Expects @fastify/websocket to be registered on the app (build-app.ts does).
import type { FastifyInstance } from "fastify";
import { errorResponses } from "../../src/http/error-schema.ts";
import { answerChat, type ChatPipeline } from "./chat-exchange.ts";
import { chatRequestSchema, chatResponseSchema, type ChatRequest } from "./chat-schema.ts";
import { chatSocketRoutes } from "./chat-socket.ts";
import { widgetAssetRoutes } from "./widget-assets.ts";

export interface WebchatOptions {
  pipeline: ChatPipeline;
}

export async function webchatPlugin(app: FastifyInstance, { pipeline }: WebchatOptions) {
  await app.register(widgetAssetRoutes);
  await app.register(chatSocketRoutes, { pipeline });

  app.post<{ Body: ChatRequest }>(
    "/api/chat/messages",
    { schema: { body: chatRequestSchema, response: { 200: chatResponseSchema, ...errorResponses } } },
    async (request) => answerChat(pipeline, request.body),
  );
}
