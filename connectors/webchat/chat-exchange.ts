// The one mapping between web chat and the conversation pipeline, shared by the HTTP
// API and the WebSocket: a chat request becomes an InboundMessage, an outcome becomes
// the chat response. Both transports therefore give identical answers, and a message
// resent over the other transport (same messageId) is recognized as the same message.
import { randomUUID } from "node:crypto";
import type { ConversationOutcome, InboundMessage } from "../../src/messages/messages.ts";
import type { ChatRequest, ChatResponse } from "./chat-schema.ts";

/** What web chat needs from the pipeline. */
export interface ChatPipeline {
  handle(message: InboundMessage): Promise<ConversationOutcome>;
}

export function toInboundMessage(sessionId: string, request: ChatRequest, receivedAt: Date): InboundMessage {
  return {
    channel: "webchat",
    channelUserId: sessionId,
    text: request.text,
    // Scoped to the session: another browser that picks the same message id must not
    // be answered with this citizen's stored reply. Without an id every message is new.
    channelMessageId: request.messageId ? `${sessionId}:${request.messageId}` : randomUUID(),
    receivedAt,
    raw: request,
  };
}

export function toChatResponse(sessionId: string, outcome: ConversationOutcome): ChatResponse {
  return {
    sessionId,
    replies: outcome.replies,
    understanding: outcome.understanding,
    ...(outcome.ticket && { ticket: outcome.ticket }),
  };
}

/** Answers one chat message; a request without a session starts a new one. */
export async function answerChat(pipeline: ChatPipeline, request: ChatRequest): Promise<ChatResponse> {
  const sessionId = request.sessionId ?? newSessionId();
  const outcome = await pipeline.handle(toInboundMessage(sessionId, request, new Date()));
  return toChatResponse(sessionId, outcome);
}

export function newSessionId(): string {
  return randomUUID();
}
