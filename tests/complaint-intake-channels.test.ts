// Issue 13: complaint intake on every channel. "我要投诉" followed by the details files
// one ticket with what, where and when; an urgent report gets the emergency numbers
// first; a repeat joins the citizen's open ticket; a quiet citizen's intake is dropped.
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { intakeReminderJobId, remindIfWaiting } from "../src/conversation/intake-reminder.ts";
import { intakeTimes } from "../src/hub.ts";
import { QueueNames } from "../src/queue/queue-names.ts";
import { message } from "./support/cases.ts";
import { chatSessions } from "./support/chat-sessions.ts";
import { startWechatEnv, type WechatTestEnv } from "./support/wechat-env.ts";
import { startWeiboEnv, type WeiboTestEnv } from "./support/weibo-env.ts";

describe("complaint intake on every channel", () => {
  let wechat: WechatTestEnv;
  let weibo: WeiboTestEnv;
  beforeAll(async () => {
    [wechat, weibo] = await Promise.all([startWechatEnv("postgresql"), startWeiboEnv("postgresql")]);
  });
  afterAll(async () => {
    await Promise.all([wechat?.close(), weibo?.close()]);
  });

  const prisma = () => wechat.t.hub.db.prisma;
  let msgId = randomInt(1e9, 2e9);

  /** One citizen's conversation on each channel, as text in and the replies' text out. */
  const channels: Record<string, () => (text: string) => Promise<string>> = {
    webchat: () => {
      const chat = chatSessions(wechat.app);
      const citizen = `c${randomInt(1e9)}`;
      return async (text) => ((await chat(citizen, text)).replies as { text: string }[]).map((r) => r.text).join("\n");
    },
    wechat: () => {
      const openid = `o${randomInt(1e9)}`;
      return async (text) =>
        String(
          (await wechat.send("safe", openid, { MsgType: "text", Content: text, MsgId: ++msgId })).reply?.Content ?? "",
        );
    },
    weibo: () => {
      const sender = String(randomInt(1_000_000_000, 9_000_000_000));
      return async (text) => (await weibo.push(weibo.platform.push("text", sender, { text }))).text ?? "";
    },
  };
  const ticketNumber = (reply: string) => /工单号：(GD\d{8}-\d{6})/.exec(reply)?.[1];
  const hubOf = (channel: string) => (channel === "weibo" ? weibo : wechat).t.hub;

  it.each(Object.keys(channels))(
    "%s: 我要投诉, then the details, files one ticket with what, where and when",
    async (channel) => {
      const say = channels[channel]!();
      const asked = await say("我要投诉");
      expect(asked).toContain("发生了什么");
      expect(ticketNumber(asked)).toBeUndefined();
      const filed = await say("建设路和人民路路口的红绿灯坏了，从昨天晚上开始一直不亮");
      const number = ticketNumber(filed);
      expect(number, filed).toBeDefined();
      const ticket = await hubOf(channel).db.prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
      expect(ticket.text).toContain("红绿灯");
      expect(ticket.text).toContain("建设路");
      expect(ticket.text).toContain("昨天晚上");
      expect(
        await hubOf(channel).db.prisma.ticket.count({
          where: { channel: ticket.channel, channelUserId: ticket.channelUserId },
        }),
      ).toBe(1);
    },
  );

  it.each(Object.keys(channels))(
    "%s: asks only where and when, and files both turns as one ticket",
    async (channel) => {
      const say = channels[channel]!();
      const asked = await say("楼下烧烤店油烟太大，熏得家里没法开窗，投诉");
      expect(asked).toContain("什么地方");
      expect(asked).not.toContain("发生了什么");
      const filed = await say("幸福小区东门，上个月开始的");
      const number = ticketNumber(filed);
      expect(number, filed).toBeDefined();
      const ticket = await hubOf(channel).db.prisma.ticket.findUniqueOrThrow({ where: { number: number! } });
      expect(ticket.text).toContain("油烟");
      expect(ticket.text).toContain("幸福小区");
    },
  );

  it.each(Object.keys(channels))(
    "%s: an urgent report gets the emergency numbers before anything else",
    async (channel) => {
      const say = channels[channel]!();
      const reply = await say("楼道里闻到很大的煤气味");
      expect(reply.indexOf("119")).toBeGreaterThanOrEqual(0);
      expect(reply.indexOf("119")).toBeLessThan(reply.indexOf("什么地方"));
    },
  );

  it("a repeat of the citizen's own open complaint joins that ticket instead of filing another", async () => {
    const say = channels.webchat!();
    const text = "光明路菜市场门口垃圾堆了好几天没人清理，臭味很大";
    const first = ticketNumber(await say(text));
    expect(first).toBeDefined();
    const second = await say(text);
    const third = await say(`${text}！`);
    expect(second).toContain(first!);
    expect(second).toContain("无需重复登记");
    expect(third).toContain(first!);
    const ticket = await prisma().ticket.findUniqueOrThrow({ where: { number: first! }, include: { events: true } });
    expect(await prisma().ticket.count({ where: { channelUserId: ticket.channelUserId, channel: "webchat" } })).toBe(1);
    expect(ticket.events.filter((e) => e.type === "supplemented").length).toBe(2);
  });

  it("wechat: a location sent while the intake asks where is the complaint's place, and joins its ticket", async () => {
    const openid = `o${randomInt(1e9)}`;
    const send = async (fields: Record<string, string | number>) =>
      String((await wechat.send("safe", openid, { ...fields, MsgId: ++msgId })).reply?.Content ?? "");
    const asked = await send({ MsgType: "text", Content: "井盖被偷了，走路很危险，我要投诉" });
    expect(asked).toContain("什么地方");
    const location = {
      MsgType: "location",
      Location_X: "23.134521",
      Location_Y: "113.358803",
      Scale: "20",
      Label: "天河区龙口西路与天河北路交界",
      MsgId: ++msgId,
    };
    const filed = String((await wechat.send("safe", openid, location)).reply?.Content ?? "");
    const number = ticketNumber(filed);
    expect(number, filed).toBeDefined();
    const ticket = await prisma().ticket.findUniqueOrThrow({ where: { number: number! } });
    expect(ticket.text).toContain("井盖");
    expect(ticket.text).toContain("龙口西路");
    // The location itself is material on the ticket, once, even when WeChat retries the push.
    const retried = String((await wechat.send("safe", openid, location)).reply?.Content ?? "");
    expect(ticketNumber(retried)).toBe(number);
    const attachments = await prisma().ticketAttachment.findMany({ where: { ticketId: ticket.id } });
    expect(attachments.map((a) => a.kind)).toEqual(["location"]);
    expect(await prisma().ticket.count({ where: { channelUserId: openid } })).toBe(1);
    // Outside an intake, a location is material as before: it starts nothing.
    const other = `o${randomInt(1e9)}`;
    const plain = await wechat.send("safe", other, { ...location, MsgId: ++msgId });
    expect(String(plain.reply?.Content)).toContain("位置");
    expect(await prisma().ticket.count({ where: { channelUserId: other } })).toBe(0);
  });

  it("drops an intake the citizen left: a late answer is not filed as half a complaint", async () => {
    const hub = wechat.t.hub;
    const citizen = `late-${randomInt(1e9)}`;
    const start = new Date();
    await hub.pipeline.handle({ ...message("我要投诉", citizen), receivedAt: start });
    const late = new Date(start.getTime() + hub.config.complaintIntakeDropMs + 60_000);
    const outcome = await hub.pipeline.handle({ ...message("人民路88号", citizen), receivedAt: late });
    expect(outcome.ticket).toBeUndefined();
    expect(await prisma().ticket.count({ where: { channelUserId: citizen } })).toBe(0);
  });

  it("reminds a citizen who went quiet once, on their channel, and not after the complaint is filed", async () => {
    const hub = wechat.t.hub;
    const times = intakeTimes(hub.config);
    const citizen = `quiet-${randomInt(1e9)}`;
    const start = new Date();
    await hub.pipeline.handle({ ...message("我要投诉", citizen), receivedAt: start });
    const job = { channel: "webchat", channelUserId: citizen, startedAt: start.toISOString() };
    // The pipeline scheduled the reminder as a delayed job, named for this intake.
    const queued = await hub.queues.get(QueueNames.intakeReminders)!.getJob(intakeReminderJobId(job));
    expect(await queued?.isDelayed()).toBe(true);

    const at = new Date(start.getTime() + times.remindAfterMs);
    expect(await remindIfWaiting(hub.db.prisma, job, times, at)).toBe(true);
    expect(await remindIfWaiting(hub.db.prisma, job, times, at)).toBe(true);
    const sent = await prisma().delivery.findMany({ where: { channelUserId: citizen } });
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.replies)).toContain("还没有登记完成");
    // Past the drop time nothing more is said.
    expect(
      await remindIfWaiting(hub.db.prisma, job, times, new Date(start.getTime() + times.dropAfterMs + 60_000)),
    ).toBe(false);
    // Filed: no reminder for it.
    const filed = await hub.pipeline.handle(message("阳光小区2号楼电梯坏了三天了", citizen));
    expect(filed.ticket).toBeDefined();
    expect(await remindIfWaiting(hub.db.prisma, job, times, at)).toBe(false);
  });

  it("is cancelled when the citizen says so", async () => {
    const say = channels.webchat!();
    await say("我要投诉");
    expect(await say("算了")).toContain("已取消");
    const after = await say("人民路88号");
    expect(ticketNumber(after)).toBeUndefined();
  });
});
