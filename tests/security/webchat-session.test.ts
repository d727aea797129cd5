// Issue 11, finding 5 (and finding 9's socket limits): the web chat session is the
// citizen's only credential. The hub issues it, it never travels in a URL, and an id a
// client chose, guessed or forged never opens someone else's conversation.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadWebchatConfig, webchatLimits } from "../../connectors/webchat/webchat-config.ts";
import { SocketCounter } from "../../connectors/webchat/socket-limits.ts";
import { buildApp } from "../../src/build-app.ts";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import { createHub, type Hub } from "../../src/hub.ts";
import { createLogger } from "../../src/logger.ts";
import type { ConversationOutcome, InboundMessage } from "../../src/messages/messages.ts";
import { fileAndRoute, road } from "../support/cases.ts";
import { createTestDatabase, TEST_REDIS_URL, testConfig } from "../support/test-env.ts";

const SESSION = "x-chat-session";
const staff = "staff:wang";

interface Frame {
  type: string;
  sessionId?: string;
  messageId?: string;
  code?: string;
  message?: string;
  replies?: { text: string }[];
}

/** A socket client that keeps every frame it receives. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
    this.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_request, response) =>
        reject(new Error(`handshake answered ${response.statusCode} retry-after=${response.headers["retry-after"]}`)),
      );
      ws.once("error", reject);
    });
  }

  async waitFor(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  send(frame: object) {
    this.ws.send(JSON.stringify(frame));
  }

  /** Says hello (with a token or not) and returns the session the hub gave. */
  async hello(session?: string): Promise<string> {
    this.send(session === undefined ? { type: "hello" } : { type: "hello", session });
    return (await this.waitFor((f) => f.type === "session")).sessionId!;
  }

  /** Sends a message; its reply text, or the error frame's code. */
  async ask(text: string, messageId: string): Promise<string> {
    this.send({ type: "message", text, messageId });
    const frame = await this.waitFor((f) => (f.type === "reply" || f.type === "error") && f.messageId === messageId);
    return frame.type === "reply" ? frame.replies!.map((r) => r.text).join("\n") : `error:${frame.code}`;
  }

  close() {
    this.ws.close();
  }
}

describe("the web chat session as a credential", () => {
  let hub: Hub;
  let app: FastifyInstance;
  let base: string;
  let dropDatabase: () => Promise<void>;
  const logLines: string[] = [];
  const clients: Client[] = [];
  /** While set, the pipeline waits for it before answering (to hold messages in flight). */
  let gate: Promise<void> | undefined;

  beforeAll(async () => {
    const database = await createTestDatabase("pglite");
    dropDatabase = database.drop;
    hub = await createHub({
      config: testConfig({
        WEBCHAT_MAX_SOCKETS_PER_IP: "3",
        WEBCHAT_MAX_FRAMES_IN_FLIGHT: "2",
        // The socket limits live under RATE_LIMIT; the per-message limits are not what this suite tests.
        RATE_LIMIT: "on",
        RATE_LIMIT_CHAT_SESSION: "1000/1m",
        RATE_LIMIT_CHAT_IP: "10000/1m",
      }),
      redisUrl: TEST_REDIS_URL,
      // Every line the hub and Fastify log (requests with their URLs included), kept to be searched.
      log: createLogger("info", { write: (line: string) => void logLines.push(line) }),
      database: database.target,
    });
    await hub.relay.stop();
    const handle = hub.pipeline.handle.bind(hub.pipeline);
    hub.pipeline.handle = async (message: InboundMessage): Promise<ConversationOutcome> => {
      if (gate) await gate;
      return handle(message);
    };
    app = await buildApp(hub);
    base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws");
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    await hub?.close();
    await dropDatabase?.();
  });

  // The hub allows 3 sockets per address here: each test closes what it opened.
  afterEach(async () => {
    const open = clients.splice(0);
    for (const client of open) client.close();
    await Promise.all(open.map((client) => client.closed));
    await new Promise((r) => setTimeout(r, 50));
  });

  const connect = async () => {
    const client = await Client.open(`${base}/api/chat/ws`);
    clients.push(client);
    return client;
  };
  const post = (body: object, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url: "/api/chat/messages", payload: body, headers });
  const replyText = (res: { statusCode: number; json(): { replies?: { text: string }[] } }) =>
    res.statusCode === 200
      ? res
          .json()
          .replies!.map((r) => r.text)
          .join("\n")
      : `status:${res.statusCode}`;

  /** A citizen who chatted on the web, and their resolved complaint, awaiting a rating. */
  async function victim() {
    const marker = `你好，我是${randomBytes(4).toString("hex")}`;
    const first = await post({ text: marker });
    expect(first.statusCode).toBe(200);
    const token = first.headers[SESSION] as string;
    // The citizen as the database and staff know them.
    const said = await hub.db.prisma.message.findFirstOrThrow({
      where: { text: marker },
      include: { conversation: true },
    });
    const channelUserId = said.conversation.channelUserId;
    const ticket = await fileAndRoute(hub, `东湖区${road()}路灯不亮`, { channelUserId });
    await hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, staff);
    await hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已更换路灯灯泡。" }, staff);
    return { token, channelUserId, ticket };
  }

  it("answers the citizen's own 查询工单 under the token the hub issued", async () => {
    const { token, ticket } = await victim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const res = await post({ text: "查询工单" }, { [SESSION]: token });
    expect(res.headers[SESSION]).toBe(token);
    expect(replyText(res)).toContain(ticket.number);
    const socket = await connect();
    expect(await socket.hello(token)).toBe(token);
    expect(await socket.ask(`查询工单 ${ticket.number}`, "own-1")).toContain("办理结果：已更换路灯灯泡。");
  });

  it("never lets a chosen or guessed id read another citizen's tickets or rate them", async () => {
    const { channelUserId, ticket } = await victim();
    // What an outsider may know of the citizen: the id staff and the logs see, and guesses.
    const guesses = [channelUserId, `${channelUserId}x`, "citizen-1", randomBytes(16).toString("base64url")];
    const answers: string[] = [];
    for (const guess of guesses) {
      for (const text of ["查询工单", "我的工单", `查询工单 ${ticket.number}`, "非常不满意 根本没修"]) {
        answers.push(replyText(await post({ text }, { [SESSION]: guess })));
        // The old way: the session in the body. Now a 400 (the session is a header).
        answers.push(replyText(await post({ sessionId: guess, text })));
      }
      // The old way over the socket: the session in the URL; and the new way, in the hello.
      const socket = await Client.open(`${base}/api/chat/ws?sessionId=${encodeURIComponent(guess)}`);
      clients.push(socket);
      const given = await socket.hello(guess);
      expect(given).not.toBe(guess);
      answers.push(await socket.ask("我的工单", `guess-${answers.length}`));
      answers.push(await socket.ask("非常不满意 根本没修", `guess-${answers.length}`));
      socket.close();
    }
    for (const answer of answers) {
      expect(answer).not.toContain("您最近的工单");
      expect(answer).not.toContain("已更换路灯灯泡");
    }
    // Nobody rated the ticket: it still awaits the citizen's own rating.
    const now = await hub.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(now).toMatchObject({ status: "resolved", rating: null });
  });

  it("gives a forged, tampered or unused token a new session, and resumes the issued one", async () => {
    const { token, ticket } = await victim();
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const forged of [tampered, randomBytes(16).toString("base64url"), token.toLowerCase(), token.slice(1)]) {
      if (forged === token) continue;
      const res = await post({ text: "查询工单" }, { [SESSION]: forged });
      expect(res.statusCode).toBe(200);
      expect(res.headers[SESSION]).not.toBe(forged);
      expect(res.headers[SESSION]).not.toBe(token);
      expect(replyText(res)).toContain("您还没有通过这里提交过诉求");
    }
    // A token the hub issued over a socket, never used, is no session yet.
    const socket = await connect();
    const unused = await socket.hello();
    socket.close();
    const again = await connect();
    expect(await again.hello(unused)).not.toBe(unused);
    // The real one resumes, over either transport (a reload).
    expect(replyText(await post({ text: "查询工单" }, { [SESSION]: token }))).toContain(ticket.number);
    const reload = await connect();
    expect(await reload.hello(token)).toBe(token);
  });

  it("keeps the token out of logged URLs and out of the database", async () => {
    const from = logLines.length;
    const first = await post({ text: "身份证丢了怎么办" });
    const token = first.headers[SESSION] as string;
    await post({ text: "多少钱", messageId: "m-2" }, { [SESSION]: token });
    const socket = await connect();
    expect(await socket.hello(token)).toBe(token);
    await socket.ask("你好", "m-3");

    const lines = logLines.slice(from);
    const urls = lines.flatMap((line) => {
      const url = (JSON.parse(line) as { req?: { url?: string } }).req?.url;
      return url ? [url] : [];
    });
    expect(urls).toContain("/api/chat/ws");
    expect(urls.filter((url) => /session/i.test(url))).toEqual([]);
    expect(lines.filter((line) => line.includes(token))).toEqual([]);

    // What is stored names the citizen by the token's hash, never by the token.
    const said = await hub.db.prisma.message.findFirstOrThrow({ where: { text: "多少钱" } });
    const conversation = await hub.db.prisma.conversation.findUniqueOrThrow({ where: { id: said.conversationId } });
    const messages = await hub.db.prisma.message.findMany({
      where: { conversationId: said.conversationId },
      orderBy: { createdAt: "asc" },
    });
    expect(messages.map((m) => m.text)).toEqual(["身份证丢了怎么办", "多少钱", "你好"]);
    expect(conversation.id).toBe(conversationIdFor("webchat", conversation.channelUserId));
    expect(JSON.stringify([conversation, messages])).not.toContain(token);
  });

  it("refuses a socket over the per-address limit before the upgrade, and takes one again once one closes", async () => {
    const open = [await connect(), await connect(), await connect()];
    for (const client of open) await client.hello();
    await expect(Client.open(`${base}/api/chat/ws`)).rejects.toThrow("handshake answered 429 retry-after=60");
    open[0]!.close();
    await open[0]!.closed;
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        const replacement = await connect();
        expect(await replacement.hello()).toMatch(/^[A-Za-z0-9_-]{22}$/);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  it("answers a message beyond the in-flight limit with a polite Chinese error frame and stays usable", async () => {
    const socket = await connect();
    await socket.hello();
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    try {
      for (const id of ["f-1", "f-2", "f-3"]) socket.send({ type: "message", text: "你好", messageId: id });
      const busy = await socket.waitFor((f) => f.type === "error" && f.messageId === "f-3");
      expect(busy).toMatchObject({ code: "busy", message: "您发送得太快了，请等上一条回复后再发送。" });
    } finally {
      gate = undefined;
      open();
    }
    for (const id of ["f-1", "f-2"]) await socket.waitFor((f) => f.type === "reply" && f.messageId === id);
    expect(await socket.ask("你好", "f-4")).toContain("您好");
  });
});

describe("web chat limits and RATE_LIMIT", () => {
  it("has defaults, names a wrong variable, and turns off with RATE_LIMIT=off", () => {
    expect(loadWebchatConfig({})).toEqual({ maxSocketsPerIp: 20, maxFramesInFlight: 4 });
    const settings = loadWebchatConfig({ WEBCHAT_MAX_SOCKETS_PER_IP: "2" });
    expect(webchatLimits(settings, true)).toEqual({ maxSocketsPerIp: 2, maxFramesInFlight: 4 });
    expect(webchatLimits(settings, false)).toEqual({ maxSocketsPerIp: undefined, maxFramesInFlight: undefined });
    expect(() => loadWebchatConfig({ WEBCHAT_MAX_SOCKETS_PER_IP: "many" })).toThrow("WEBCHAT_MAX_SOCKETS_PER_IP");
    expect(testConfig({ RATE_LIMIT: "off" }).rateLimits).toBeUndefined();
  });

  it("counts sockets per address and releases each once", () => {
    const counter = new SocketCounter(2);
    const a = counter.take("10.0.0.1")!;
    counter.take("10.0.0.1");
    expect(counter.take("10.0.0.1")).toBeUndefined();
    expect(counter.take("10.0.0.2")).toBeDefined();
    a();
    a();
    expect(counter.take("10.0.0.1")).toBeDefined();
    expect(counter.take("10.0.0.1")).toBeUndefined();
    const unlimited = new SocketCounter(undefined);
    for (let i = 0; i < 1000; i++) expect(unlimited.take("10.0.0.3")).toBeDefined();
  });
});
