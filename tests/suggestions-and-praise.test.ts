// Issue 13, "Suggestions and praise are work too", on every channel: a suggestion (建言)
// gets a ticket number, is routed to a department with its own deadline, is resolved by
// staff with a verdict (部分采纳) and a reason, and the citizen's channel receives a
// notice with both and the rating request, and rates it. Praise (表扬) reaches the
// department it names, is counted there as 表扬数, and is acknowledged by 办结.
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "../src/calendar/zoned-days.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { staffClients } from "./support/staff-accounts.ts";
import { eventually } from "./support/test-env.ts";
import { startWechatEnv, type WechatTestEnv } from "./support/wechat-env.ts";
import { startWeiboEnv, type WeiboTestEnv } from "./support/weibo-env.ts";

interface Citizen {
  /** Sends a message; the replies' text. */
  say(text: string): Promise<string>;
  /** The text of every notice the hub sent this citizen on their channel so far. */
  notices(): Promise<string[]>;
}

describe("suggestions and praise on every channel", () => {
  let wechat: WechatTestEnv;
  let weibo: WeiboTestEnv;
  beforeAll(async () => {
    [wechat, weibo] = await Promise.all([startWechatEnv("postgresql"), startWeiboEnv("postgresql")]);
  });
  afterAll(async () => {
    await Promise.all([wechat?.close(), weibo?.close()]);
  });

  let msgId = randomInt(1e9, 2e9);
  const citizens: Record<string, () => Citizen> = {
    webchat: () => {
      let token: string | undefined;
      const headers = () => (token ? { "x-chat-session": token } : {});
      return {
        async say(text) {
          const res = await wechat.app.inject({
            method: "POST",
            url: "/api/chat/messages",
            payload: { text },
            headers: headers(),
          });
          expect(res.statusCode, res.body).toBe(200);
          token = res.headers["x-chat-session"] as string;
          return (res.json().replies as { text: string }[]).map((r) => r.text).join("\n");
        },
        async notices() {
          const res = await wechat.app.inject({
            method: "GET",
            url: "/api/chat/notices?after=2000-01-01T00:00:00.000Z",
            headers: headers(),
          });
          expect(res.statusCode, res.body).toBe(200);
          return (res.json().notices as { replies: { text: string }[] }[]).flatMap((n) => n.replies.map((r) => r.text));
        },
      };
    },
    wechat: () => {
      const openid = `o${randomInt(1e9)}`;
      return {
        async say(text) {
          const sent = await wechat.send("safe", openid, { MsgType: "text", Content: text, MsgId: ++msgId });
          return String(sent.reply?.Content ?? "");
        },
        notices: async () => wechat.api.sent.filter((m) => m.touser === openid).map((m) => m.content),
      };
    },
    weibo: () => {
      const sender = String(randomInt(1_000_000_000, 9_000_000_000));
      return {
        say: async (text) => (await weibo.push(weibo.platform.push("text", sender, { text }))).text ?? "",
        notices: async () => weibo.api.messages.filter((m) => m.receiverId === sender).map((m) => m.text),
      };
    },
  };
  const hubOf = (channel: string) => (channel === "weibo" ? weibo : wechat);
  const ticketNumber = (reply: string) => /工单号：(GD\d{8}-\d{6})/.exec(reply)?.[1];
  const today = () => localDate(new Date(), "Asia/Shanghai");

  it.each(Object.keys(citizens))(
    "%s: a suggestion is numbered, routed, resolved with 部分采纳 and its reason, and the citizen is told and rates it",
    async (channel) => {
      const env = hubOf(channel);
      const prisma = env.t.hub.db.prisma;
      const citizen = citizens[channel]!();

      const filed = await citizen.say("建议在人民路和建设街路口增设一个红绿灯，老人过马路太危险");
      expect(filed).toContain("感谢您的建议");
      const number = ticketNumber(filed);
      expect(number, filed).toBeDefined();

      // The routing worker hands it to a department, with the suggestion's own 15 working days.
      const routed = await eventually(async () => {
        const t = await prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
        return t.status === "assigned" ? t : undefined;
      });
      expect(routed.kind).toBe("suggestion");
      expect(routed.departmentCode).toBeTruthy();
      expect(routed.dueBasis).toBe("workdays");
      expect(routed.dueBudgetSeconds).toBe(15 * 24 * 3600);

      const username = `sugg.${channel}.${randomInt(1e6)}`;
      const staff = await staffClients(env.t.hub, env.app, [
        { username, role: "staff", departmentCode: routed.departmentCode!, displayName: "王五" },
      ]);
      const act = (body: object) => staff.send(username, "POST", `/api/staff/tickets/${number}/actions`, body);
      expect((await act({ action: "accept" })).statusCode).toBe(200);
      const reason = "红绿灯已列入明年路口改造计划；近期先在路口增设警示标志和斑马线。";
      // A suggestion's 办结 needs its verdict: without one, a 400 that says so.
      const missing = await act({ action: "resolve", reply: reason });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().message).toContain("verdict");
      const resolved = await act({ action: "resolve", verdict: "partially_adopted", reply: reason });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(resolved.json()).toMatchObject({ status: "resolved", kind: "suggestion", verdict: "partially_adopted" });

      // The citizen's channel receives the verdict and the reply, then the rating request.
      const notice = await eventually(async () => (await citizen.notices()).find((text) => text.includes("采纳意见")));
      expect(notice).toContain(number);
      expect(notice).toContain("采纳意见：部分采纳");
      expect(notice).toContain(reason);
      expect(notice.indexOf(reason)).toBeLessThan(notice.indexOf("请您对办理结果进行评价"));

      await citizen.say("4 答复很清楚");
      const rated = await prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
      expect(rated).toMatchObject({
        status: "closed",
        rating: 4,
        ratingComment: "答复很清楚",
        verdict: "partially_adopted",
      });
      const events = await prisma.ticketEvent.findMany({ where: { ticketId: rated.id, type: "resolved" } });
      expect(events[0]!.data).toMatchObject({ verdict: "partially_adopted", verdictLabel: "部分采纳", reply: reason });
    },
  );

  it("wechat: praise reaches the department it names, counts there as 表扬数 only, and is acknowledged by 办结", async () => {
    const prisma = wechat.t.hub.db.prisma;
    const citizen = citizens.wechat!();
    const supervisor = `sup.${randomInt(1e6)}`;
    const cg = `cg.${randomInt(1e6)}`;
    const staff = await staffClients(wechat.t.hub, wechat.app, [
      { username: supervisor, role: "supervisor", displayName: "督办员" },
      { username: cg, role: "staff", departmentCode: "CG", displayName: "张三" },
    ]);
    const kpis = async () => {
      const res = await staff.get(supervisor, `/api/staff/kpis?from=${today()}&to=${today()}&department=CG`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().departments[0] ?? { received: 0, praise: 0 };
    };
    const before = await kpis();

    const thanked = await citizen.say("感谢城管局的工作人员，小区门口的摊贩终于清走了，路好走多了");
    expect(thanked).toContain("感谢您的表扬，我们已转达给市城市管理局");
    const number = ticketNumber(thanked);
    expect(number, thanked).toBeDefined();
    const routed = await eventually(async () => {
      const t = await prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
      return t.status === "assigned" ? t : undefined;
    });
    expect(routed).toMatchObject({ kind: "praise", departmentCode: "CG", deadlineAt: null });
    const assigned = await prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: routed.id, type: "assigned" } });
    expect(assigned.note).toBe("按表扬对象“城管局”分派");

    const after = await kpis();
    expect(after.praise).toBe(before.praise + 1);
    expect(after.received).toBe(before.received);

    // The department sees it labelled 表扬 and acknowledges it by 办结, with no reply.
    const detail = (await staff.get(cg, `/api/staff/tickets/${number}`)).json();
    expect(detail).toMatchObject({ kind: "praise" });
    expect(detail.allowedActions).toContain("resolve");
    const done = await staff.send(cg, "POST", `/api/staff/tickets/${number}/actions`, { action: "resolve" });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: "closed" });
    // No deadline and no rating request: the citizen heard nothing more than the thanks.
    const closed = await prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
    expect(closed).toMatchObject({ ratingRequestedAt: null, dueBudgetSeconds: null });
    expect(await prisma.delivery.count({ where: { channelUserId: routed.channelUserId } })).toBe(0);
  });

  it("keeps every suggestion's and praise's audit trail intact", async () => {
    for (const env of [wechat, weibo]) expect((await verifyAuditTrail(env.t.hub.db.prisma)).problems).toEqual([]);
  });
});
