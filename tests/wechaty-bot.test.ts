// The community-group bot end to end with wechaty-puppet-mock (nothing outside the machine
// is contacted), on a real PostgreSQL and Redis: groups are answered only when addressed,
// the group's place is on the ticket, photos are evidence, duplicates are dropped, the pace
// per group holds, notices come back to the group, and a logout is recovered from — with
// /readyz degraded (not down) meanwhile and the QR code shown to admins.
import { FileBox } from "file-box";
import { WechatyBuilder } from "wechaty";
import { mock, PuppetMock } from "wechaty-puppet-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WechatyBot } from "../connectors/wechaty/wechaty-bot.ts";
import type { WechatyChannel } from "../connectors/wechaty/wechaty-channel.ts";
import { citizenId } from "../connectors/wechaty/wechaty-citizen.ts";
import { notify } from "../src/outbound/notifier.ts";
import { type ChannelHub, startChannelHub } from "./support/channel-env.ts";
import { eventually } from "./support/test-env.ts";

const ADMIN_TOKEN = "wechaty-test-admin-token";
const INTERVAL_MS = 1_000;
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

interface Said {
  roomId?: string;
  to?: string;
  text: string;
  at: number;
}

describe("the community-group bot (wechaty-puppet-mock)", () => {
  let env: ChannelHub;
  let mocker: mock.Mocker;
  let puppet: PuppetMock;
  let bot: ReturnType<typeof WechatyBuilder.build>;
  let started: WechatyBot;
  let self: mock.ContactMock;
  let zhang: mock.ContactMock;
  let li: mock.ContactMock;
  let wang: mock.ContactMock;
  let group: mock.RoomMock;
  let otherGroup: mock.RoomMock;
  /** What the bot said, in order. */
  const said: Said[] = [];
  /** Ids of the messages members sent, by their text. */
  const sent = new Map<string, string>();

  const prisma = () => env.t.hub.db.prisma;
  const saidIn = (roomId: string) => said.filter((s) => s.roomId === roomId);
  /** A group message holding an answer to this member: the pacer may merge several, each with its @. */
  const answers = (text: string, mention: string) => text.split("\n\n").some((part) => part.startsWith(mention));
  const readyz = async () => (await env.app.inject({ method: "GET", url: "/readyz" })).json();
  const status = async () =>
    (
      await env.app.inject({
        method: "GET",
        url: "/connectors/wechaty/status",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
  /** A member says something in a room (mentioning the bot when asked) and its id is noted. */
  const say = async (who: mock.ContactMock, text: string, where: mock.RoomMock | mock.ContactMock, mention = false) => {
    who.say(text, mention ? [self] : []).to(where);
    return eventually(async () => sent.get(text));
  };

  beforeAll(async () => {
    env = await startChannelHub("postgresql", {
      WECHATY_PUPPET: "wechaty-puppet-mock",
      WECHATY_GROUP_PLACES: "光明社区居民群=光明社区",
      WECHATY_GROUP_REPLY_INTERVAL_MS: String(INTERVAL_MS),
      ADMIN_TOKEN,
    });
    mocker = new mock.Mocker();
    puppet = new PuppetMock({ mocker });
    bot = WechatyBuilder.build({ puppet });
    bot.on("message", (message) => {
      if (message.self())
        said.push({ roomId: message.room()?.id, to: message.listener()?.id, text: message.text(), at: Date.now() });
      else sent.set(message.text(), message.id);
    });
    const channel = env.t.hub.channels.get("wechaty") as WechatyChannel;
    started = await channel.startBot(bot as never, { minBackoffMs: 50, maxBackoffMs: 200 });
    self = mocker.createContact({ name: "网格助手" });
    zhang = mocker.createContact({ name: "张三" });
    li = mocker.createContact({ name: "李四" });
    wang = mocker.createContact({ name: "王五" });
    group = mocker.createRoom({ topic: "光明社区居民群", memberIdList: [self.id, zhang.id, li.id, wang.id] });
    otherGroup = mocker.createRoom({ topic: "兴趣群", memberIdList: [self.id, zhang.id] });
  });

  afterAll(async () => {
    await env?.close();
  });

  it("shows the QR code to admins and reports /readyz degraded until it is logged in", async () => {
    mocker.scan("https://login.weixin.qq.com/l/mock-qr", 2);
    const scanning = await eventually(async () => {
      const s = await status();
      return s.status === "scan" ? s : undefined;
    });
    expect(scanning).toMatchObject({ running: true, qrcode: "https://login.weixin.qq.com/l/mock-qr" });
    const ready = await readyz();
    expect(ready.status).toBe("degraded");
    expect(ready.checks.wechaty).toMatchObject({ ok: true, degraded: true });
    const anonymous = await env.app.inject({ method: "GET", url: "/connectors/wechaty/status" });
    expect(anonymous.statusCode).toBe(401);

    mocker.login(self);
    await eventually(async () => ((await status()).status === "logged_in" ? true : undefined));
    expect((await readyz()).status).toBe("ready");
    expect((await status()).qrcode).toBeUndefined();
  });

  it("files a ticket for an @-mention in a group, with the group's place, and answers the member with an @", async () => {
    const text = "@网格助手\u2005楼道里的灯坏了三天了，晚上很黑";
    const id = await say(zhang, text, group, true);
    const reply = await eventually(async () => saidIn(group.id)[0]);
    expect(reply.text.startsWith("@张三\u2005")).toBe(true);
    const number = /GD\d{8}-\d{6}/.exec(reply.text)?.[0];
    expect(number).toBeDefined();
    const ticket = await prisma().ticket.findUniqueOrThrow({ where: { number: number! } });
    expect(ticket).toMatchObject({
      channel: "wechaty",
      channelUserId: citizenId({ kind: "group", roomId: group.id, contactId: zhang.id }),
      district: "东湖区",
      address: "东湖区人民路街道光明社区",
    });
    expect(ticket.details).toMatchObject({ place: { code: "990102001002", level: "community" } });
    const message = await prisma().message.findFirstOrThrow({ where: { channel: "wechaty", channelMessageId: id } });
    expect(message.text).toContain("楼道里的灯坏了");
    expect(message.text).not.toContain("@网格助手");
  });

  it("turns the member's photo in the group into evidence on their ticket", async () => {
    const before = saidIn(group.id).length;
    zhang.say(FileBox.fromBase64(PNG.toString("base64"), "lamp.png")).to(group);
    const attachment = await eventually(() =>
      prisma()
        .ticketAttachment.findFirst({ where: { channel: "wechaty", kind: "image" } })
        .then((a) => a ?? undefined),
    );
    const ticket = await prisma().ticket.findFirstOrThrow({ where: { channel: "wechaty" } });
    expect(attachment.ticketId).toBe(ticket.id);
    const events = await prisma().ticketEvent.findMany({ where: { ticketId: ticket.id, type: "supplemented" } });
    expect(events).toHaveLength(1);
    const reply = await eventually(async () => saidIn(group.id)[before]);
    expect(reply.text).toMatch(/^@张三\u2005/);
    expect(reply.text).toContain(ticket.number);
  });

  it("adds the member's location in the group to their ticket (sent through the mock's message API)", async () => {
    // ContactMock.say() sends only text and files; a location message is created with the
    // mocker's MessageMock and announced by the puppet, whose messageLocation() answers a fixed place.
    const location = mocker.MessageMock.create({
      id: `location-${Date.now()}`,
      talkerId: zhang.id,
      roomId: group.id,
      mentionIdList: [],
      timestamp: Date.now(),
      type: 8,
    } as never);
    puppet.emit("message", { messageId: location.id });
    const attachment = await eventually(() =>
      prisma()
        .ticketAttachment.findFirst({ where: { channel: "wechaty", kind: "location" } })
        .then((a) => a ?? undefined),
    );
    const ticket = await prisma().ticket.findFirstOrThrow({ where: { channel: "wechaty" } });
    expect(attachment.ticketId).toBe(ticket.id);
    expect(attachment.data).toMatchObject({ latitude: expect.any(Number), label: expect.stringContaining("人民政府") });
  });

  it("ignores group messages without a mention or keyword, and groups' photos from members who did not ask", async () => {
    const before = said.length;
    const id = await say(li, "今晚谁有空一起去跳广场舞？", group);
    li.say(FileBox.fromBase64(PNG.toString("base64"), "dance.png")).to(group);
    await say(zhang, "@网格助手\u2005你好", otherGroup, true);
    // The reply in the other group shows the bot is not stuck; nothing was said in the first.
    await eventually(async () => saidIn(otherGroup.id)[0]);
    expect(said.slice(before).filter((s) => s.roomId === group.id)).toHaveLength(0);
    expect(await prisma().message.count({ where: { channelMessageId: id } })).toBe(0);
    expect(await prisma().ticketAttachment.count({ where: { channel: "wechaty", kind: "image" } })).toBe(1);
  });

  it("drops a repeated delivery of a message: one answer, one record", { timeout: 60_000 }, async () => {
    const text = "#投诉 小区门口的路灯不亮了，晚上看不见路";
    const id = await say(li, text, group);
    // A complaint: intake, a ticket and the paced reply; generous, as a full run on 2 cores can be slow.
    await eventually(async () => saidIn(group.id).find((s) => answers(s.text, "@李四")), 30_000);
    const before = said.length;
    puppet.emit("message", { messageId: id });
    puppet.emit("message", { messageId: id });
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 300));
    expect(said.length).toBe(before);
    expect(await prisma().message.count({ where: { channel: "wechaty", channelMessageId: id } })).toBe(1);
    expect(await prisma().ticket.count({ where: { channel: "wechaty" } })).toBe(2);
  });

  it("keeps the pace per group: one message per interval, merging what waits, nothing dropped", async () => {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    const before = saidIn(group.id).length;
    await Promise.all([
      say(zhang, "@网格助手\u2005办事大厅几点开门", group, true),
      say(li, "@网格助手\u2005身份证丢了怎么补办", group, true),
      say(wang, "@网格助手\u2005公积金怎么提取", group, true),
    ]);
    const mentioned = async () => {
      const texts = saidIn(group.id)
        .slice(before)
        .map((s) => s.text)
        .join("\n");
      return ["@张三", "@李四", "@王五"].every((m) => texts.includes(m)) ? true : undefined;
    };
    await eventually(mentioned, 15_000);
    const messages = saidIn(group.id).slice(before);
    // Three answers came, in fewer messages than answers or spaced by the interval.
    for (let i = 1; i < messages.length; i++)
      expect(messages[i]!.at - messages[i - 1]!.at).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
  });

  it("answers everything in a private chat", async () => {
    await say(wang, "身份证丢了怎么补办", self);
    const reply = await eventually(async () => said.find((s) => !s.roomId && s.to === wang.id));
    expect(reply.text).toContain("身份证");
    expect(reply.text.startsWith("@")).toBe(false);
  });

  it("sends a ticket's progress notice back to the member in the group", async () => {
    const before = saidIn(group.id).length;
    await prisma().$transaction((tx) =>
      notify(tx, {
        channel: "wechaty",
        channelUserId: citizenId({ kind: "group", roomId: group.id, contactId: zhang.id }),
        replies: [{ type: "text", text: "您反映的楼道灯问题已受理，正在处理。" }],
        reason: "test:wechaty:notice",
      }),
    );
    env.t.hub.relay.kick();
    const notice = await eventually(
      async () =>
        saidIn(group.id)
          .slice(before)
          .find((s) => s.text.includes("已受理")),
      15_000,
    );
    expect(notice.text.startsWith("@张三\u2005")).toBe(true);
  });

  it("reconnects after a logout, degraded meanwhile, and answers again once logged in", async () => {
    await puppet.logout("kicked out by the platform");
    await eventually(async () => ((await status()).status !== "logged_in" ? true : undefined));
    expect((await readyz()).status).toBe("degraded");
    // The session restarts the bot after its backoff; then the account logs in again.
    await eventually(async () => {
      const s = await status();
      return s.status === "starting" && s.reconnects >= 1 ? true : undefined;
    });
    mocker.login(self);
    await eventually(async () => ((await status()).status === "logged_in" ? true : undefined));
    expect((await readyz()).status).toBe("ready");
    const before = saidIn(group.id).length;
    await say(wang, "@网格助手\u2005社保卡怎么办理", group, true);
    await eventually(
      async () =>
        saidIn(group.id)
          .slice(before)
          .find((s) => answers(s.text, "@王五")),
      15_000,
    );
    expect(started.session.current.status).toBe("logged_in");
  });

  it("says it stopped when the bot process stops, and /readyz reports it not running", async () => {
    await started.close();
    expect(await status()).toMatchObject({ running: false, status: "stopped" });
    const ready = await readyz();
    expect(ready.status).toBe("degraded");
    expect(ready.checks.wechaty.detail).toContain("not running");
  });
});
