// Issue 13: the web chat receives the hub's notices (ticket progress, the rating request)
// live down its socket, and a page that was closed fetches what it missed.
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sessionUserId } from "../connectors/webchat/chat-session.ts";
import { buildApp } from "../src/build-app.ts";
import { startTestHub, type TestHub } from "./support/test-env.ts";

describe("web chat notices", () => {
  let t: TestHub;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  async function newSession(): Promise<string> {
    const res = await app.inject({ method: "POST", url: "/api/chat/messages", payload: { text: "你好" } });
    return res.headers["x-chat-session"] as string;
  }
  const send = (token: string, text: string, quick = false) =>
    t.hub.senders.get("webchat")!.send({
      deliveryId: randomUUID(),
      channel: "webchat",
      channelUserId: sessionUserId(token),
      replies: [{ type: "text", text, ...(quick && { quickReplies: [{ label: "5 非常满意", text: "非常满意" }] }) }],
    });
  const fetchNotices = (token: string | undefined, after?: string) =>
    app.inject({
      method: "GET",
      url: `/api/chat/notices${after ? `?after=${encodeURIComponent(after)}` : ""}`,
      headers: token ? { "x-chat-session": token } : {},
    });

  it("pushes a notice down the citizen's open socket, and only theirs", async () => {
    const [mine, other] = [await newSession(), await newSession()];
    const frames: { type: string; replies?: { text: string }[] }[] = [];
    const ws = new WebSocket(`ws://${base}/api/chat/ws`);
    ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ type: "hello", session: mine }));
    const wait = async (match: () => boolean) => {
      for (let i = 0; i < 200 && !match(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(match()).toBe(true);
    };
    await wait(() => frames.some((f) => f.type === "session"));
    await new Promise((r) => setTimeout(r, 100)); // subscribed
    await send(other, "别人的通知");
    await send(mine, "您的工单已受理。");
    await wait(() => frames.some((f) => f.type === "notice"));
    const notices = frames.filter((f) => f.type === "notice");
    expect(notices.map((f) => f.replies![0]!.text)).toEqual(["您的工单已受理。"]);
    ws.close();
  });

  it("gives a page that was closed what it missed, with its buttons, once per delivery", async () => {
    const token = await newSession();
    await send(token, "您反映的问题已办结。", true);
    const all = (await fetchNotices(token)).json().notices;
    expect(all).toHaveLength(1);
    expect(all[0].replies[0]).toMatchObject({ text: "您反映的问题已办结。", quickReplies: [{ label: "5 非常满意" }] });
    // Only what came after the last one seen.
    expect((await fetchNotices(token, all[0].at)).json().notices).toEqual([]);
    await send(token, "第二条通知");
    expect(
      (await fetchNotices(token, all[0].at))
        .json()
        .notices.map((n: { replies: { text: string }[] }) => n.replies[0]!.text),
    ).toEqual(["第二条通知"]);
  });

  it("tells no one else, and refuses a malformed time", async () => {
    const token = await newSession();
    await send(token, "只给本人");
    expect((await fetchNotices(undefined)).json().notices).toEqual([]);
    expect((await fetchNotices("A".repeat(22))).json().notices).toEqual([]);
    expect((await fetchNotices(token, "yesterday")).statusCode).toBe(400);
  });
});
