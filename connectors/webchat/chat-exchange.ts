// The one mapping between web chat and the conversation pipeline, shared by the HTTP
// API and the WebSocket: a chat request becomes an InboundMessage, an outcome becomes
// the chat response. Both transports therefore give identical answers, and a message
// resent over the other transport (same messageId) is recognized as the same message.
import { randomUUID } from "node:crypto";
import type { ConversationOutcome, InboundMessage } from "../../src/messages/messages.ts";
import { statusLabel } from "../../src/tickets/ticket-status.ts";
import type { ChatSession } from "./chat-session.ts";
import type { ChatRequest, ChatResponse } from "./chat-schema.ts";

/** What web chat needs from the pipeline. */
export interface ChatPipeline {
  handle(message: InboundMessage): Promise<ConversationOutcome>;
}

export function toInboundMessage(session: ChatSession, request: ChatRequest, receivedAt: Date): InboundMessage {
  return {
    channel: "webchat",
    // The token's hash, never the token: what is stored and logged is no credential.
    channelUserId: session.userId,
    text: request.text,
    // Scoped to the session: another browser that picks the same message id must not
    // be answered with this citizen's stored reply. Without an id every message is new.
    channelMessageId: request.messageId ? `${session.userId}:${request.messageId}` : randomUUID(),
    receivedAt,
    raw: { text: request.text, ...(request.messageId && { messageId: request.messageId }) },
  };
}

export function toChatResponse(session: ChatSession, outcome: ConversationOutcome): ChatResponse {
  return {
    sessionId: session.token,
    replies: outcome.replies,
    understanding: outcome.understanding,
    ...(outcome.ticket && { ticket: { ...outcome.ticket, statusLabel: statusLabel(outcome.ticket.status) } }),
  };
}

/** Answers one chat message in the given (resumed or new) session. */
export async function answerChat(
  pipeline: ChatPipeline,
  session: ChatSession,
  request: ChatRequest,
): Promise<ChatResponse> {
  const outcome = await pipeline.handle(toInboundMessage(session, request, new Date()));
  return toChatResponse(session, outcome);
}
