// The web chat WebSocket protocol: JSON text frames, one object each.
//   client → server  {type:"hello", session?}                           first frame, once: the token kept, if any
//                    {type:"message", text, messageId}
//   server → client  {type:"session", sessionId}                        answers hello: the token to keep (maybe new)
//                    {type:"typing", messageId}                         the message is being answered
//                    {type:"reply", messageId, sessionId, replies, understanding, ticket?}
//                                                                       = the HTTP API's response
//                    {type:"notice", id, at, replies}                   the hub speaks first (ticket progress,
//                                                                       a rating request): notice-listener.ts
//                    {type:"error", code, message, field?, messageId?}  the socket stays usable
// Like the HTTP API's 400s, error messages are for developers (the widget shows its own
// wording), except "busy", which is for the citizen.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { chatRequestSchema, chatResponseSchema, idPattern, noticeSchema, type ChatResponse } from "./chat-schema.ts";
import type { NoticePayload } from "./notice.ts";

export interface MessageFrame {
  type: "message";
  text: string;
  messageId: string;
}

export interface HelloFrame {
  type: "hello";
  session?: string;
}

export type ErrorCode = "bad_json" | "bad_frame" | "busy" | "internal";

export type ServerFrame =
  | { type: "session"; sessionId: string }
  | { type: "typing"; messageId: string }
  | ({ type: "reply"; messageId: string } & ChatResponse)
  | ({ type: "notice" } & NoticePayload)
  | { type: "error"; code: ErrorCode; message: string; field?: string; messageId?: string };

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

export const messageFrameSchema = {
  type: "object",
  required: ["type", "text", "messageId"],
  additionalProperties: false,
  properties: {
    type: { const: "message" },
    text: chatRequestSchema.properties.text,
    messageId: { type: "string", pattern: idPattern },
  },
} as const;

export const helloFrameSchema = {
  type: "object",
  required: ["type"],
  additionalProperties: false,
  properties: {
    type: { const: "hello" },
    /** Any string: one that is not a live session's token just gets a new session. */
    session: { type: "string", maxLength: 256 },
  },
} as const;

/** Every frame the server sends; the protocol tests hold the server to it. */
export const serverFrameSchema = {
  oneOf: [
    {
      type: "object",
      required: ["type", "sessionId"],
      additionalProperties: false,
      properties: { type: { const: "session" }, sessionId: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "messageId"],
      additionalProperties: false,
      properties: { type: { const: "typing" }, messageId: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "messageId", ...chatResponseSchema.required],
      additionalProperties: false,
      properties: { type: { const: "reply" }, messageId: { type: "string" }, ...chatResponseSchema.properties },
    },
    {
      type: "object",
      required: ["type", ...noticeSchema.required],
      additionalProperties: false,
      properties: { type: { const: "notice" }, ...noticeSchema.properties },
    },
    {
      type: "object",
      required: ["type", "code", "message"],
      additionalProperties: false,
      properties: {
        type: { const: "error" },
        code: { enum: ["bad_json", "bad_frame", "busy", "internal"] },
        message: { type: "string" },
        field: { type: "string" },
        messageId: { type: "string" },
      },
    },
  ],
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const validateHello = ajv.compile<HelloFrame>(helloFrameSchema);
const validateMessage = ajv.compile<MessageFrame>(messageFrameSchema);

type Parsed<Frame> = { frame: Frame } | { error: ErrorFrame };

/** Parses the socket's first frame: the hello, or the error frame to send back. */
export function parseHelloFrame(data: string): Parsed<HelloFrame> {
  return parseFrame(data, validateHello, "hello");
}

/** Parses a frame after the hello: the message, or the error frame to send back. */
export function parseClientFrame(data: string): Parsed<MessageFrame> {
  return parseFrame(data, validateMessage, "message");
}

function parseFrame<Frame>(data: string, validate: ValidateFunction<Frame>, expected: string): Parsed<Frame> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { error: { type: "error", code: "bad_json", message: "frame is not valid JSON" } };
  }
  if (validate(value)) return { frame: value };
  const error = describe(validate.errors?.[0], expected);
  // Echo the message id when it is usable, so the client knows which message failed.
  const messageId = (value as { messageId?: unknown } | null)?.messageId;
  const usableId = typeof messageId === "string" && new RegExp(idPattern).test(messageId) ? { messageId } : {};
  return { error: { type: "error", code: "bad_frame", ...error, ...usableId } };
}

/** "frame.text must NOT have more than 2000 characters", with the field named as the HTTP API names it. */
function describe(error: ErrorObject | undefined, expected: string): { message: string; field: string } {
  const missing = (error?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const field = [
    "frame",
    ...(error?.instancePath ?? "").split("/").filter(Boolean),
    ...(missing ? [missing] : []),
  ].join(".");
  if (missing) return { field, message: `${field} is required` };
  if (error?.keyword === "const") return { field, message: `${field} must be "${expected}"` };
  return { field, message: `${field} ${error?.message ?? "is invalid"}` };
}
