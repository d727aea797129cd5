// The public web chat contract. Web chat, tests and benchmarks call it: keep it stable
// (add optional fields only). The WebSocket protocol (chat-frames.ts) carries the same shapes.
// The session is not in the body: its token travels in the X-Chat-Session header (chat-session.ts).
import type { ConversationOutcome } from "../../src/messages/messages.ts";

export interface ChatRequest {
  text: string;
  messageId?: string;
}

export interface ChatResponse {
  /** The session token (also in the X-Chat-Session response header): send it back to continue. */
  sessionId: string;
  replies: ConversationOutcome["replies"];
  understanding: ConversationOutcome["understanding"];
  ticket?: NonNullable<ConversationOutcome["ticket"]> & { statusLabel: string };
}

export const idPattern = "^[A-Za-z0-9_-]{1,128}$";
/** The longest message a citizen may send, in characters. */
export const TEXT_MAX_LENGTH = 2000;

/** A catalog item as the chat names it: its code and name. */
const serviceItemRefSchema = {
  type: "object",
  required: ["code", "name"],
  properties: { code: { type: "string" }, name: { type: "string" } },
} as const;

export const chatRequestSchema = {
  type: "object",
  required: ["text"],
  additionalProperties: false,
  properties: {
    text: { type: "string", minLength: 1, maxLength: TEXT_MAX_LENGTH, pattern: "\\S" },
    /** Optional client message id: a retry with the same id gets the same answer. */
    messageId: { type: "string", pattern: idPattern },
  },
} as const;

/** Buttons under a reply: what each shows, and what a tap sends. */
export const quickRepliesSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["label", "text"],
    properties: { label: { type: "string" }, text: { type: "string" } },
  },
} as const;

/** A whole guide in parts, folded by the widget (ServiceGuide in src/messages/messages.ts). */
const guideSchema = {
  type: "object",
  required: ["title", "summary", "sections", "hint"],
  properties: {
    title: { type: "string" },
    summary: { type: "string" },
    hint: { type: "string" },
    sections: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "lines", "list"],
        properties: {
          name: { type: "string" },
          lines: { type: "array", items: { type: "string" } },
          list: { type: "boolean" },
        },
      },
    },
  },
} as const;

const repliesSchema = {
  type: "array",
  items: {
    type: "object",
    required: ["type", "text"],
    properties: {
      type: { type: "string", enum: ["text"] },
      text: { type: "string" },
      quickReplies: quickRepliesSchema,
      guide: guideSchema,
    },
  },
} as const;

/** A message the hub sent on its own (ticket progress, a rating request): one delivery. */
export const noticeSchema = {
  type: "object",
  required: ["id", "at", "replies"],
  properties: {
    /** The delivery's id: the same notice over the socket and from GET /api/chat/notices. */
    id: { type: "string" },
    at: { type: "string", format: "date-time" },
    replies: repliesSchema,
  },
} as const;

export const chatResponseSchema = {
  type: "object",
  required: ["sessionId", "replies", "understanding"],
  properties: {
    /** The session token, as in the X-Chat-Session response header. */
    sessionId: { type: "string" },
    replies: repliesSchema,
    understanding: {
      type: "object",
      required: ["kind", "confidence"],
      properties: {
        kind: {
          type: "string",
          enum: ["service", "complaint", "suggestion", "praise", "greeting", "thanks", "handoff", "unknown"],
        },
        serviceItem: serviceItemRefSchema,
        confidence: { type: "number" },
        /** Service questions: "answer", "clarify" (options offered) or "fallback" (hotline, human). */
        decision: { type: "string", enum: ["answer", "clarify", "fallback"] },
        /** The part of the item answered: materials, fee, location, timeLimit, online, steps, hours, guide. */
        facet: { type: "string" },
        /** The items offered by a clarifying question; reply "1", "2" … to pick one. */
        options: {
          type: "array",
          items: serviceItemRefSchema,
        },
      },
    },
    ticket: {
      type: "object",
      required: ["number", "status", "statusLabel"],
      properties: {
        number: { type: "string" },
        status: { type: "string" },
        /** The server's one label table (src/tickets/ticket-status.ts): the widget keeps none of its own. */
        statusLabel: { type: "string" },
      },
    },
  },
} as const;
