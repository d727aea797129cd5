// Web chat over a WebSocket (protocol in chat-frames.ts). The session is fixed per
// socket — from ?sessionId=, or issued on connect — and every message goes through
// answerChat, exactly as a POST to /api/chat/messages does.
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { RawData } from "ws";
import { errorResponses } from "../../src/http/error-schema.ts";
import { answerChat, newSessionId, type ChatPipeline } from "./chat-exchange.ts";
import { parseClientFrame, type MessageFrame, type ServerFrame } from "./chat-frames.ts";
import { idPattern } from "./chat-schema.ts";

export const CHAT_SOCKET_PATH = "/api/chat/ws";

const querySchema = {
  type: "object",
  properties: { sessionId: { type: "string", pattern: idPattern } },
} as const;

export async function chatSocketRoutes(app: FastifyInstance, { pipeline }: { pipeline: ChatPipeline }) {
  app.get<{ Querystring: { sessionId?: string } }>(
    CHAT_SOCKET_PATH,
    // The output is frames, not an HTTP body: see serverFrameSchema. A bad ?sessionId= fails the handshake with a 400.
    { websocket: true, schema: { querystring: querySchema, response: errorResponses } },
    (socket, request) => {
      const sessionId = request.query.sessionId ?? newSessionId();
      const send = (frame: ServerFrame) => {
        // The citizen may have left while the pipeline worked; a resend gets the stored answer.
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      // Listen before anything else: frames that arrive unheard are lost.
      socket.on("message", (data: RawData, isBinary: boolean) => {
        if (isBinary)
          return send({ type: "error", code: "bad_frame", field: "frame", message: "frames must be JSON text" });
        const parsed = parseClientFrame(data.toString());
        if ("error" in parsed) return send(parsed.error);
        void answer(parsed.frame, sessionId, pipeline, send, request.log);
      });
      send({ type: "session", sessionId });
    },
  );
}

async function answer(
  { text, messageId }: MessageFrame,
  sessionId: string,
  pipeline: ChatPipeline,
  send: (frame: ServerFrame) => void,
  log: FastifyBaseLogger,
): Promise<void> {
  send({ type: "typing", messageId });
  try {
    const response = await answerChat(pipeline, { sessionId, text, messageId });
    send({ type: "reply", messageId, ...response });
  } catch (err) {
    log.error({ err }, "web chat message failed");
    send({
      type: "error",
      code: "internal",
      messageId,
      message: "the message could not be answered; the error has been logged",
    });
  }
}
