// The web chat plugin over real sockets: a listening hub, the `ws` client, PostgreSQL.
import { Ajv } from "ajv";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { serverFrameSchema, type ServerFrame } from "../connectors/webchat/chat-frames.ts";
import { sessionUserId } from "../connectors/webchat/chat-session.ts";
import { buildApp } from "../src/build-app.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

const conformsToProtocol = new Ajv({ strict: false }).compile(serverFrameSchema);

/** A connected client that queues the frames it receives, each checked against the protocol. */
class ChatSocket {
  private readonly frames: ServerFrame[] = [];
  private waiting: ((frame: ServerFrame) => void) | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      expect(conformsToProtocol(frame), JSON.stringify(conformsToProtocol.errors)).toBe(true);
      if (this.waiting) this.waiting(frame);
      else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  }

  static open(url: string): Promise<ChatSocket> {
    const ws = new WebSocket(url);
    const socket = new ChatSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`handshake answered ${response.statusCode}`)),
      );
      ws.once("error", reject);
    });
  }

  next(): Promise<ServerFrame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      this.waiting = (frame) => {
        this.waiting = undefined;
        resolve(frame);
      };
    });
  }

  async nextOf<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next();
    expect(frame.type).toBe(type);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a message and returns its reply, having seen the typing frame first. */
  async ask(text: string, messageId: string) {
    this.send({ type: "message", text, messageId });
    expect(await this.nextOf("typing")).toEqual({ type: "typing", messageId });
    const reply = await this.nextOf("reply");
    expect(reply.messageId).toBe(messageId);
    return reply;
  }

  close() {
    this.ws.close();
  }
}

describe("web chat over WebSocket", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let base: string;
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    t = await startTestHub("postgresql", { env: { BODY_LIMIT: "8192" } });
    app = await buildApp(t.hub);
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    base = address.replace(/^http/, "ws");
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await app.close();
    await t.close();
  });

  // The tokens the hub issued, by the test's name for the citizen: sent back in the hello and the header.
  const tokens = new Map<string, string>();
  /** Opens a socket and says hello, with the named citizen's token when one was issued. */
  const connect = async (name?: string) => {
    const socket = await ChatSocket.open(`${base}/api/chat/ws`);
    sockets.push(socket);
    const token = name === undefined ? undefined : tokens.get(name);
    socket.send(token ? { type: "hello", session: token } : { type: "hello" });
    const session = await socket.nextOf("session");
    if (name !== undefined) tokens.set(name, session.sessionId);
    return { socket, sessionId: session.sessionId };
  };
  const post = async (name: string, body: object) => {
    const token = tokens.get(name);
    const res = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      payload: body,
      headers: token ? { "x-chat-session": token } : {},
    });
    expect(res.statusCode).toBe(200);
    tokens.set(name, res.headers["x-chat-session"] as string);
    return res.json();
  };

  it("issues a session on hello, then answers a message with typing and a reply", async () => {
    const { socket, sessionId } = await connect();
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const reply = await socket.ask("身份证丢了怎么办", "q-1");
    expect(reply).toMatchObject({
      sessionId,
      understanding: { kind: "service", serviceItem: { name: "居民身份证补领" } },
      replies: [{ type: "text", text: expect.stringContaining("所需材料") }],
    });
    expect(reply.ticket).toBeUndefined();
  });

  it("continues the session whose token the hello carries", async () => {
    const first = await connect("ws-citizen-1");
    await first.socket.ask("你好", "g-1");
    first.socket.close();
    const { socket, sessionId } = await connect("ws-citizen-1");
    expect(sessionId).toBe(first.sessionId);
    expect((await socket.ask("你好", "g-2")).sessionId).toBe(first.sessionId);
  });

  it("files a complaint and gives its ticket number", async () => {
    const { socket } = await connect("ws-citizen-2");
    const reply = await socket.ask("阳光小区门口路灯坏了一个月没人修", "c-1");
    expect(reply.understanding.kind).toBe("complaint");
    expect(reply.ticket).toMatchObject({ number: expect.stringMatching(/^GD\d{8}-\d{6}$/), status: "submitted" });
  });

  // Messages answered, not filed (a suggestion or a complaint gets a new number each time),
  // and not 人工: the first transport's request puts the session in the agent queue, so the
  // second is kept for the agent (tests/handoff.test.ts covers the hand-off).
  it("answers exactly as the HTTP API does", async () => {
    const { socket } = await connect("same-as-http");
    for (const [i, text] of ["身份证丢了怎么办", "你好", "谢谢", "护照过期了怎么换", "阿巴阿巴"].entries()) {
      const overSocket = await socket.ask(text, `ws-${i}`);
      const overHttp = await post("same-as-http", { text, messageId: `http-${i}` });
      const { type, messageId, ...response } = overSocket;
      expect(response).toEqual(overHttp);
    }
  });

  it("answers a resent message id from the record, over either transport, with one ticket", async () => {
    const text = "投诉建设路楼下烧烤店油烟太大，晚上十二点还在营业";
    const first = await connect("resender");
    const original = await first.socket.ask(text, "r-1");
    expect(original.ticket).toBeDefined();

    const again = await first.socket.ask(text, "r-1");
    const { socket: second } = await connect("resender");
    const afterReconnect = await second.ask(text, "r-1");
    const overHttp = await post("resender", { text, messageId: "r-1" });
    for (const retry of [again, afterReconnect, overHttp]) expect(retry.ticket).toEqual(original.ticket);
    expect(overHttp.sessionId).toBe(original.sessionId);
    const channelUserId = sessionUserId(original.sessionId);
    expect(await t.hub.db.prisma.ticket.count({ where: { channelUserId } })).toBe(1);
  });

  it("keeps message ids apart between sessions", async () => {
    const text = "阳光小区门口路灯坏了一个月没人修";
    const a = await (await connect("session-a")).socket.ask(text, "shared-id");
    const b = await (await connect("session-b")).socket.ask(text, "shared-id");
    expect(a.ticket!.number).not.toBe(b.ticket!.number);
    expect(b.sessionId).toBe(tokens.get("session-b"));
    expect(b.sessionId).not.toBe(a.sessionId);
  });

  it.each([
    ["not JSON", "{type:", { code: "bad_json" }],
    ["not an object", "42", { code: "bad_frame", field: "frame" }],
    [
      "without text",
      { type: "message", messageId: "b-1" },
      { code: "bad_frame", field: "frame.text", messageId: "b-1" },
    ],
    [
      "with blank text",
      { type: "message", text: "  ", messageId: "b-2" },
      { code: "bad_frame", field: "frame.text", messageId: "b-2" },
    ],
    [
      "with a number for text",
      { type: "message", text: 7, messageId: "b-3" },
      { code: "bad_frame", field: "frame.text", messageId: "b-3" },
    ],
    [
      "with text over 2000 characters",
      { type: "message", text: "长".repeat(2001), messageId: "b-4" },
      { code: "bad_frame", field: "frame.text", messageId: "b-4" },
    ],
    ["without a message id", { type: "message", text: "你好" }, { code: "bad_frame", field: "frame.messageId" }],
    [
      "with a bad message id",
      { type: "message", text: "你好", messageId: "a b" },
      { code: "bad_frame", field: "frame.messageId" },
    ],
    [
      "of an unknown type",
      { type: "hello", text: "你好", messageId: "b-5" },
      { code: "bad_frame", field: "frame.type", messageId: "b-5" },
    ],
    [
      "with extra fields",
      { type: "message", text: "你好", messageId: "b-6", sessionId: "x" },
      { code: "bad_frame", field: "frame", messageId: "b-6" },
    ],
  ])("answers a frame %s with an error frame and stays usable", async (_name, frame, expected) => {
    const { socket } = await connect();
    socket.send(frame);
    const error = await socket.nextOf("error");
    expect(error).toMatchObject(expected);
    expect(error.message).toContain("field" in expected ? expected.field : "JSON");
    // The failed message is named when its id is usable.
    if (!("messageId" in expected)) expect(error.messageId).toBeUndefined();
    expect((await socket.ask("你好", "after-error")).understanding.kind).toBe("greeting");
  });

  it("answers a binary frame with an error frame", async () => {
    const { socket } = await connect();
    socket.ws.send(Buffer.from(JSON.stringify({ type: "message", text: "你好", messageId: "bin" })));
    expect(await socket.nextOf("error")).toMatchObject({ code: "bad_frame", field: "frame" });
  });

  it("closes the socket on a frame larger than the body limit", async () => {
    const { socket } = await connect();
    socket.send({ type: "message", text: "x".repeat(9000), messageId: "huge" });
    expect(await socket.closed).toBe(1009);
  });

  it("closes a socket whose first frame is not a hello", async () => {
    const socket = await ChatSocket.open(`${base}/api/chat/ws`);
    sockets.push(socket);
    socket.send({ type: "message", text: "你好", messageId: "too-early" });
    expect(await socket.nextOf("error")).toMatchObject({
      code: "bad_frame",
      message: expect.stringContaining("hello"),
    });
    expect(await socket.closed).toBe(1008);
  });
});

describe("web chat over WebSocket, when the database is gone", () => {
  // The hub starts in the hook (its time limit is the longer one): on a busy machine the
  // embedded database's start and migrations alone can take most of a test's 30 s.
  let t: TestHub;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    app = await buildApp(t.hub);
    base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
  });
  afterAll(async () => {
    await app?.close();
    await t?.close().catch(() => undefined); // the database is already closed
  });

  it("answers with an internal error frame naming the message", async () => {
    const socket = await ChatSocket.open(`${base}/api/chat/ws`);
    try {
      socket.send({ type: "hello" });
      await socket.nextOf("session");
      await t.hub.db.close();
      socket.send({ type: "message", text: "身份证丢了怎么办", messageId: "lost" });
      await socket.nextOf("typing");
      expect(await socket.nextOf("error")).toMatchObject({ code: "internal", messageId: "lost" });
    } finally {
      socket.close();
    }
  });
});
