// Findings 10 and 11: what a citizen types is stored as typed, or cleaned the same way
// at every entry. A typed backslash-u-0000 is stored unchanged (no false tamper alarm
// in `npm run audit:verify`); U+0000 is dropped and a lone UTF-16 surrogate becomes
// U+FFFD — in chat over HTTP and WebSocket and in Open311 — with no 5xx and no ticket
// number burned (the day's counter equals the tickets filed).
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { buildApp } from "../../src/build-app.ts";
import { verifyAuditTrail } from "../../src/cases/audit-verify.ts";
import { cleanText, storableJson } from "../../src/messages/clean-text.ts";
import { BACKENDS, startTestHub, type TestHub } from "../support/test-env.ts";
import { sessionUserId } from "../../connectors/webchat/chat-session.ts";

const COMPLAINT = "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理";
const API_KEY = "text-integrity-key";

describe("cleanText and storableJson", () => {
  it("drop U+0000, replace lone surrogates, keep pairs and typed escapes", () => {
    expect(cleanText("A\u0000B")).toBe("AB");
    expect(cleanText("a\uD83Db")).toBe("a\uFFFDb");
    expect(cleanText("a\uDE00b")).toBe("a\uFFFDb");
    expect(cleanText("\uDE00\uD83D")).toBe("\uFFFD\uFFFD");
    expect(cleanText("😀 ok")).toBe("😀 ok");
    expect(cleanText("\\u0000 typed")).toBe("\\u0000 typed");
    const typed = { text: "路灯\\u0000n坏了 \\\\u0000 \\ud800" };
    expect(JSON.parse(storableJson(typed))).toEqual(typed);
    expect(JSON.parse(storableJson({ "k\u0000": ["x\u0000\uD800"] }))).toEqual({ k: ["x\uFFFD"] });
  });
});

describe.each(BACKENDS)("text integrity on %s", (backend) => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub(backend, { env: { OPEN311_API_KEYS: API_KEY } });
    await t.hub.relay.stop();
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const prisma = () => t.hub.db.prisma;

  async function chat(text: string) {
    const res = await app.inject({ method: "POST", url: "/api/chat/messages", payload: { text } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { sessionId: string; ticket?: { number: string } };
  }

  /** Over the WebSocket: the frame as raw JSON text, so it may carry a \ud800 escape. */
  async function chatOverSocket(frameJson: string) {
    const ws = (await (app as unknown as { injectWS(path: string): Promise<WebSocket> }).injectWS("/api/chat/ws"))!;
    try {
      return await new Promise<{ type: string; code?: string; ticket?: { number: string } }>((resolve) => {
        ws.on("message", (data) => {
          const frame = JSON.parse(data.toString());
          // The hub answers the hello with the session it issued; then the frame under test.
          if (frame.type === "session") ws.send(frameJson);
          if (frame.type === "reply" || frame.type === "error") resolve(frame);
        });
        ws.send(JSON.stringify({ type: "hello" }));
      });
    } finally {
      ws.terminate();
    }
  }

  async function ticketOf(number: string) {
    return prisma().ticket.findUniqueOrThrow({ where: { number } });
  }

  async function expectNoNumberBurned() {
    const counted = await prisma().ticketCounter.aggregate({ _sum: { value: true } });
    expect(counted._sum.value ?? 0).toBe(await prisma().ticket.count());
  }

  async function expectTrailVerifies() {
    expect((await verifyAuditTrail(prisma())).problems).toEqual([]);
  }

  it("stores a typed backslash-u-0000 exactly as typed, and the audit trail verifies", async () => {
    const typed = `路灯编号\\u0000n：${COMPLAINT}`;
    const answer = await chat(typed);
    expect(answer.ticket).toBeDefined();
    const ticket = await ticketOf(answer.ticket!.number);
    expect(ticket.text).toBe(typed);
    const message = await prisma().message.findUniqueOrThrow({ where: { id: ticket.sourceMessageId } });
    expect(message.text).toBe(typed);
    expect(message.raw).toMatchObject({ text: typed });
    // A question (no ticket) too, with an escaped backslash before it.
    const question = "身份证丢了怎么补办 \\\\u0000 \\u0000";
    const asked = await chat(question);
    const stored = await prisma().message.findFirstOrThrow({
      where: { channel: "webchat", conversation: { channelUserId: sessionUserId(asked.sessionId) } },
    });
    expect(stored.text).toBe(question);
    await expectTrailVerifies();
    await expectNoNumberBurned();
  });

  it("drops U+0000 from a chat complaint: 200, one ticket, the trail verifies", async () => {
    const answer = await chat(`A\u0000B ${COMPLAINT}`);
    expect(answer.ticket).toBeDefined();
    expect((await ticketOf(answer.ticket!.number)).text).toBe(`AB ${COMPLAINT}`);
    await chat("A\u0000B");
    await expectTrailVerifies();
    await expectNoNumberBurned();
  });

  it("replaces a lone surrogate in a chat complaint over HTTP with U+FFFD", async () => {
    for (const half of ["\uD83D", "\uDE00"]) {
      const answer = await chat(`${COMPLAINT}${half}`);
      expect(answer.ticket).toBeDefined();
      expect((await ticketOf(answer.ticket!.number)).text).toBe(`${COMPLAINT}\uFFFD`);
    }
    await expectTrailVerifies();
    await expectNoNumberBurned();
  });

  it("replaces a lone surrogate and drops U+0000 in a chat complaint over the WebSocket", async () => {
    for (const [escaped, id] of [
      ["\\ud83d", "ws-surrogate"],
      ["\\u0000", "ws-nul"],
    ] as const) {
      const frame = await chatOverSocket(`{"type":"message","text":"${COMPLAINT}${escaped}","messageId":"${id}"}`);
      expect(frame.type).toBe("reply");
      expect(frame.ticket).toBeDefined();
    }
    await expectTrailVerifies();
    await expectNoNumberBurned();
  });

  it("files an Open311 request with U+0000 and lone surrogates in its fields, cleaned", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      payload: {
        api_key: API_KEY,
        service_code: "other",
        description: `A\u0000B 井盖丢了\uD800`,
        address_string: "人民路\u0000 12号\uDC00",
        first_name: "张\uD83D",
        account_id: "acc\u0000-1",
        lat: 30.1,
        long: 114.2,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const number = (res.json() as { service_request_id: string }[])[0]!.service_request_id;
    const ticket = await ticketOf(number);
    expect(ticket.text).toBe("AB 井盖丢了\uFFFD");
    expect(ticket.address).toBe("人民路 12号\uFFFD");
    expect(ticket.channelUserId).toBe("account:acc-1");
    expect(JSON.stringify(ticket.details)).toContain("张\uFFFD");
    await expectTrailVerifies();
    await expectNoNumberBurned();
  });

  it("answers Open311 lookups with U+0000 or broken UTF-8 in the query or path without a 5xx", async () => {
    for (const url of [
      "/open311/v2/requests.json?service_request_id=%00",
      "/open311/v2/requests.xml?service_request_id=GD%0020261207-000001",
      "/open311/v2/requests.json?service_code=%00&status=open",
      "/open311/v2/requests.json?service_request_id=%ED%A0%80",
      "/open311/v2/requests/%00.json",
      "/open311/v2/requests/%ED%A0%80.xml",
      "/api/tickets/%00",
    ]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
    }
  });

  it("understands a long run of letters in linear time (it blocked the event loop for seconds)", () => {
    const understander = t.hub.knowledge.built.understander;
    for (const text of ["a".repeat(2_000), "x".repeat(10_000)]) {
      const started = performance.now();
      understander.understand(text);
      expect(performance.now() - started, `${text.length} letters`).toBeLessThan(500);
    }
  });
});
