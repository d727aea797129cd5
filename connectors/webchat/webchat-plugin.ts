// Web chat: the simplest channel. Its wire format is already JSON, so the connector
// only maps {sessionId, text} to an InboundMessage and the outcome back.
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import type { ConversationPipeline } from "../../src/conversation/conversation-pipeline.ts";
import { errorResponses } from "../../src/http/error-schema.ts";
import { chatRequestSchema, chatResponseSchema, type ChatRequest } from "./chat-schema.ts";

const PAGE = new URL("./public/index.html", import.meta.url);

export interface WebchatOptions {
  pipeline: ConversationPipeline;
}

export async function webchatPlugin(app: FastifyInstance, { pipeline }: WebchatOptions) {
  const page = await fs.readFile(PAGE, "utf8");

  app.get("/", { schema: { response: { 200: { type: "string" } } } }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(page),
  );

  app.post<{ Body: ChatRequest }>(
    "/api/chat/messages",
    { schema: { body: chatRequestSchema, response: { 200: chatResponseSchema, ...errorResponses } } },
    async (request) => {
      const sessionId = request.body.sessionId ?? randomUUID();
      const outcome = await pipeline.handle({
        channel: "webchat",
        channelUserId: sessionId,
        text: request.body.text,
        // A client that sends its own message id gets safe retries; otherwise every POST is new.
        channelMessageId: request.body.messageId ?? randomUUID(),
        receivedAt: new Date(),
        raw: request.body,
      });
      return { sessionId, replies: outcome.replies, understanding: outcome.understanding, ticket: outcome.ticket };
    },
  );
}
