// Web chat over a WebSocket (protocol in chat-frames.ts). The session is not in the URL
// (URLs are logged): the client's first frame is {type:"hello", session?} with the token
// it keeps, answered by {type:"session", sessionId} with the token to keep from now on —
// the same, or a new one when it was absent or not a live session's. Every message then
// goes through answerChat, exactly as a POST to /api/chat/messages does.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RawData, WebSocket } from "ws";
import { errorResponseSchema, errorResponses } from "../../src/http/error-schema.ts";
import { answerChat, type ChatPipeline } from "./chat-exchange.ts";
import { type MessageFrame, parseClientFrame, parseHelloFrame, type ServerFrame } from "./chat-frames.ts";
import type { ChatSession, SessionStore } from "./chat-session.ts";
import type { NoticeListener } from "./notice-listener.ts";
import { SocketCounter } from "./socket-limits.ts";
import type { WebchatLimits } from "./webchat-config.ts";

export const CHAT_SOCKET_PATH = "/api/chat/ws";
/** A socket that says nothing is closed: it holds a slot of its address's limit. */
const HELLO_TIMEOUT_MS = 10_000;
const TOO_MANY_SOCKETS = "您打开的咨询窗口过多，请关闭部分窗口后再试。";
const TOO_MANY_IN_FLIGHT = "您发送得太快了，请等上一条回复后再发送。";

export interface ChatSocketOptions {
  pipeline: ChatPipeline;
  sessions: SessionStore;
  limits: WebchatLimits;
  /** Where the hub's notices to this socket's citizen arrive (any process may send them). */
  notices: NoticeListener;
}

export async function chatSocketRoutes(
  app: FastifyInstance,
  { pipeline, sessions, limits, notices }: ChatSocketOptions,
) {
  const counter = new SocketCounter(limits.maxSocketsPerIp);
  app.get(
    CHAT_SOCKET_PATH,
    {
      websocket: true,
      // Refused before the upgrade, so the browser falls back to HTTP at once.
      preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
        if (!counter.isFull(request.ip)) return;
        return reply
          .code(429)
          .header("retry-after", "60")
          .send({ statusCode: 429, error: "Too Many Requests", message: TOO_MANY_SOCKETS });
      },
      // The output is frames, not an HTTP body: see serverFrameSchema.
      schema: { response: { ...errorResponses, 429: errorResponseSchema } },
    },
    (socket, request) => {
      const send = (frame: ServerFrame) => {
        // The citizen may have left while the pipeline worked; a resend gets the stored answer.
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      // Counted again here: sockets upgraded at the same moment all passed preValidation.
      const release = counter.take(request.ip);
      if (!release) {
        send({ type: "error", code: "busy", message: TOO_MANY_SOCKETS });
        return socket.close(1013, "too many sockets");
      }
      socket.on("close", release);
      converse(socket, send, {
        pipeline,
        sessions,
        notices,
        maxInFlight: limits.maxFramesInFlight,
        log: request.log,
      });
    },
  );
}

function converse(
  socket: WebSocket,
  send: (frame: ServerFrame) => void,
  options: {
    pipeline: ChatPipeline;
    sessions: SessionStore;
    notices: NoticeListener;
    maxInFlight: number | undefined;
    log: FastifyBaseLogger;
  },
) {
  const { pipeline, sessions, notices, maxInFlight, log } = options;
  let session: Promise<ChatSession | undefined> | undefined;
  let inFlight = 0;
  const helloTimer = setTimeout(() => socket.close(1008, "hello expected"), HELLO_TIMEOUT_MS);
  socket.on("close", () => clearTimeout(helloTimer));
  // Listen before anything else: frames that arrive unheard are lost.
  socket.on("message", (data: RawData, isBinary: boolean) => {
    if (isBinary)
      return send({ type: "error", code: "bad_frame", field: "frame", message: "frames must be JSON text" });
    if (!session) {
      const hello = parseHelloFrame(data.toString());
      if ("error" in hello) {
        const wrongKind = hello.error.code === "bad_frame";
        send(
          wrongKind ? { ...hello.error, message: 'the first frame must be {"type":"hello","session"?}' } : hello.error,
        );
        return socket.close(1008, "hello expected");
      }
      clearTimeout(helloTimer);
      session = sessions.resume(hello.frame.session).then(
        (resumed) => {
          send({ type: "session", sessionId: resumed.token });
          // The hub's notices to this citizen come down this socket while it is open.
          if (socket.readyState === socket.OPEN) {
            const stop = notices.listen(resumed.userId, (notice) => send({ type: "notice", ...notice }));
            socket.on("close", stop);
          }
          return resumed;
        },
        (err: unknown) => {
          log.error({ err }, "web chat session look-up failed");
          send({
            type: "error",
            code: "internal",
            message: "the session could not be opened; the error has been logged",
          });
          socket.close(1011, "internal error");
          return undefined;
        },
      );
      return;
    }
    const parsed = parseClientFrame(data.toString());
    if ("error" in parsed) return send(parsed.error);
    const { messageId } = parsed.frame;
    // A client that does not wait for its answers is told to, politely; the socket stays open.
    if (maxInFlight !== undefined && inFlight >= maxInFlight)
      return send({ type: "error", code: "busy", messageId, message: TOO_MANY_IN_FLIGHT });
    inFlight++;
    void session
      .then((current) => current && answer(parsed.frame, current, pipeline, send, log))
      .finally(() => inFlight--);
  });
}

async function answer(
  { text, messageId }: MessageFrame,
  session: ChatSession,
  pipeline: ChatPipeline,
  send: (frame: ServerFrame) => void,
  log: FastifyBaseLogger,
): Promise<void> {
  send({ type: "typing", messageId });
  try {
    const response = await answerChat(pipeline, session, { text, messageId });
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
