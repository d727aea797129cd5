// The dialogue through the public web chat contract: the optional fields (decision,
// facet, options, quickReplies) reach the client, and a session carries the context.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/build-app.ts";
import { chatSessions } from "./support/chat-sessions.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("dialogue over the web chat API", () => {
  let t: TestHub;
  let app: FastifyInstance;
  // Each citizen keeps the token the hub issued (X-Chat-Session), so a session carries the context.
  let chat: ReturnType<typeof chatSessions>;
  beforeAll(async () => {
    t = await startTestHub("pglite");
    await t.hub.relay.stop();
    app = await buildApp(t.hub);
    chat = chatSessions(app);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("offers numbered options with buttons, and a reply of 1 picks the first", async () => {
    const ask = await chat("http-clarify", "社保卡");
    expect(ask.understanding.decision).toBe("clarify");
    expect(ask.understanding.options.length).toBeGreaterThanOrEqual(2);
    expect(ask.replies[0].quickReplies[0]).toEqual({ label: `1. ${ask.understanding.options[0].name}`, text: "1" });
    const picked = await chat("http-clarify", "1");
    expect(picked.understanding).toMatchObject({
      kind: "service",
      decision: "answer",
      serviceItem: ask.understanding.options[0],
    });
  });

  it("answers a follow-up facet and says which facet it answered", async () => {
    await chat("http-facet", "驾照到期了要换");
    const fee = await chat("http-facet", "多少钱");
    expect(fee.understanding).toMatchObject({ serviceItem: { code: "CJ001" }, facet: "fee", decision: "answer" });
  });

  it("falls back with the hotline and a button for a human", async () => {
    const body = await chat("http-fallback", "怎么申请专利");
    expect(body.understanding).toMatchObject({ kind: "unknown", decision: "fallback" });
    expect(body.replies[0].text).toContain("12345");
    expect(body.replies[0].quickReplies).toEqual([{ label: "转人工服务", text: "人工" }]);
  });
});
