import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WechatMode } from "../connectors/wechat/wechat-envelope.ts";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { buildApp } from "../src/build-app.ts";
import { verifyAuditTrail } from "../src/cases/audit-verify.ts";
import { fileAndRoute, road } from "./support/cases.ts";
import { countHandled } from "./support/channel-env.ts";
import { BACKENDS, createTestDatabase, eventually, startTestHub, uniqueName } from "./support/test-env.ts";
import { startWechatEnv, WECHAT, type WechatTestEnv } from "./support/wechat-env.ts";

const openid = () => `o${randomUUID().replace(/-/g, "").slice(0, 27)}`;
let msgIds = 7_000_000_000_000_000_000n;
const msgId = () => String(++msgIds);
const MODES: WechatMode[] = ["plaintext", "compatible", "safe"];

describe.each(BACKENDS)("WeChat connector on %s", (backend) => {
  let w: WechatTestEnv;
  beforeAll(async () => {
    // Plaintext is refused by default once the AES key is set (issue 11); these tests cover all three modes.
    w = await startWechatEnv(backend, { env: { WECHAT_ALLOW_PLAINTEXT: "true" } });
  });
  afterAll(async () => {
    await w.close();
  });

  const prisma = () => w.t.hub.db.prisma;
  const text = (mode: WechatMode, user: string, content: string, id = msgId()) =>
    w.send(mode, user, { MsgType: "text", Content: content, MsgId: id });
  const event = (mode: WechatMode, user: string, fields: Record<string, string>, createTime?: number) =>
    w.send(mode, user, { MsgType: "event", ...fields }, createTime);
  /** Who added what to the ticket, from its history. */
  const supplementsOf = async (ticketId: string) =>
    (await prisma().ticketEvent.findMany({ where: { ticketId, type: "supplemented" }, orderBy: { seq: "asc" } })).map(
      (e) => [e.actor, e.data],
    );

  describe("URL verification", () => {
    it("echoes echostr when the signature matches", async () => {
      const response = await w.app.inject({ method: "GET", url: w.platform.verification("3141592653") });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe("3141592653");
    });

    it("answers 401 and nothing else to a wrong signature", async () => {
      const response = await w.app.inject({ method: "GET", url: w.platform.verification("3141592653", "wrongtoken") });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain("3141592653");
    });
  });

  describe.each(MODES)("in %s mode", (mode) => {
    it("answers a question passively, in the mode it came in", async () => {
      const user = openid();
      const { status, body, reply } = await text(mode, user, "身份证丢了怎么补办");
      expect(status).toBe(200);
      if (mode === "plaintext") expect(body).toContain("<Content><![CDATA[");
      else expect(body).toMatch(/^<xml><Encrypt><!\[CDATA\[.+\]\]><\/Encrypt><MsgSignature>/);
      expect(reply).toMatchObject({ ToUserName: user, FromUserName: w.platform.account, MsgType: "text" });
      expect(reply!.Content).toContain("居民身份证补领");
      expect(reply!.Content).toContain("所需材料");
    });
  });

  it("gives every concurrent retry of a complaint the same reply and files one ticket", async () => {
    const user = openid();
    const id = msgId();
    const processed = countHandled(w.t.hub.pipeline, user);
    // WeChat's retries carry the same MsgId; each try is signed afresh.
    const tries = await Promise.all(
      [0, 1, 2].map(() => text("safe", user, "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理", id)),
    );
    const contents = tries.map((t) => t.reply?.Content);
    expect(tries.map((t) => t.status)).toEqual([200, 200, 200]);
    expect(new Set(contents).size).toBe(1);
    expect(contents[0]).toMatch(/工单号：GD\d{8}-\d{6}/);
    expect(await prisma().ticket.count({ where: { channelUserId: user } })).toBe(1);
    expect(await prisma().message.count({ where: { channel: "wechat", channelMessageId: id } })).toBe(1);
    expect(processed()).toBe(1);
    // A late retry, after the answer, still gets the same one.
    expect(
      (await text("plaintext", user, "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理", id)).reply?.Content,
    ).toBe(contents[0]);
  });

  it("greets a new follower with the most asked services, and reads a typed number as that service", async () => {
    const user = openid();
    const { reply } = await event("safe", user, { Event: "subscribe", EventKey: "" });
    const lines = reply!.Content!.toString().split("\n");
    expect(lines[0]).toContain("感谢关注");
    const numbered = lines.filter((line) => /^\d\. /.test(line));
    expect(numbered.length).toBe(5);
    expect(reply!.Content).toContain("回复序号");
    const second = numbered[1]!.replace(/^\d\. /, "");
    const answer = await text("safe", user, "2");
    expect((answer.reply!.Content as string).split("\n")[0]).toBe(`【${second}】`);
  });

  it("gives the three concurrent tries of an event one record and the same reply", async () => {
    const user = openid();
    const createTime = Math.floor(Date.now() / 1000);
    const tries = await Promise.all([0, 1, 2].map(() => event("compatible", user, { Event: "subscribe" }, createTime)));
    expect(new Set(tries.map((t) => t.reply?.Content)).size).toBe(1);
    expect(await prisma().message.count({ where: { conversation: { channelUserId: user } } })).toBe(1);
  });

  it("answers menu taps: a catalog item, and an unknown key politely", async () => {
    const user = openid();
    const item = await event("safe", user, { Event: "CLICK", EventKey: "ITEM_GJJ001" });
    expect(item.reply!.Content).toContain("【住房公积金租房提取】");
    const stale = await event(
      "safe",
      user,
      { Event: "CLICK", EventKey: "ITEM_GONE" },
      Math.floor(Date.now() / 1000) + 1,
    );
    expect(stale.reply!.Content).toContain("菜单已经更新");
    const status = await event(
      "safe",
      user,
      { Event: "CLICK", EventKey: "ACTION_TICKET_STATUS" },
      Math.floor(Date.now() / 1000) + 2,
    );
    // The same answer as a typed 查询工单.
    expect(status.reply!.Content).toContain("您还没有通过这里提交过诉求");
  });

  it("takes a complaint through the menu: guidance, photo and location held, ticket filed with them, status on request", async () => {
    const user = openid();
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const guidance = await event("safe", user, { Event: "CLICK", EventKey: "ACTION_COMPLAIN" }, t0);
    expect(guidance.reply!.Content).toContain("请您直接用文字描述遇到的问题");

    const photo = await w.send(
      "safe",
      user,
      { MsgType: "image", PicUrl: "http://mmbiz.qpic.cn/x.jpg", MediaId: "media-1", MsgId: msgId() },
      t0 + 1,
    );
    expect(photo.reply!.Content).toContain("已收到您发送的图片。请再用文字描述");

    const complaint = await text("safe", user, "人民路菜市场门口的井盖丢了，很危险，请尽快处理");
    const ticketNumber = /GD\d{8}-\d{6}/.exec(complaint.reply!.Content as string)![0];
    const ticket = await prisma().ticket.findUniqueOrThrow({
      where: { number: ticketNumber },
      include: { attachments: true },
    });
    expect(ticket.attachments.map((a) => [a.kind, a.mediaId, a.url])).toEqual([
      ["image", "media-1", "http://mmbiz.qpic.cn/x.jpg"],
    ]);
    // Added the way case management adds anything a citizen supplies: an event on the chain.
    expect(await supplementsOf(ticket.id)).toEqual([
      [
        "citizen:wechat",
        {
          supplement: {
            kind: "image",
            mediaId: "media-1",
            url: "http://mmbiz.qpic.cn/x.jpg",
            attachmentId: ticket.attachments[0]!.id,
          },
        },
      ],
    ]);

    const location = await w.send("safe", user, {
      MsgType: "location",
      Location_X: "23.134521",
      Location_Y: "113.358803",
      Scale: "20",
      Label: "人民路菜市场",
      MsgId: msgId(),
    });
    expect(location.reply!.Content).toBe(
      `已收到您发送的位置（人民路菜市场），已作为工单 ${ticketNumber} 的补充材料登记。`,
    );
    const attachments = await prisma().ticketAttachment.findMany({
      where: { ticketId: ticket.id },
      orderBy: { createdAt: "asc" },
    });
    expect(attachments.map((a) => a.kind)).toEqual(["image", "location"]);
    expect(attachments[1]!.data).toEqual({
      latitude: 23.134521,
      longitude: 113.358803,
      label: "人民路菜市场",
      scale: 20,
    });
    expect((await supplementsOf(ticket.id))[1]).toEqual([
      "citizen:wechat",
      {
        supplement: {
          kind: "location",
          latitude: 23.134521,
          longitude: 113.358803,
          label: "人民路菜市场",
          scale: 20,
          attachmentId: attachments[1]!.id,
        },
      },
    ]);
    expect((await verifyAuditTrail(prisma())).problems).toEqual([]);

    const status = await event("safe", user, { Event: "CLICK", EventKey: "ACTION_TICKET_STATUS" });
    expect(status.reply!.Content).toMatch(new RegExp(`${ticketNumber}（.+）：(已登记，正在分派|已分派，等待部门签收)`));
  });

  it("holds a photo for the complaint started in the menu even after a question in between", async () => {
    const user = openid();
    const t0 = Math.floor(Date.now() / 1000) - 60;
    await event("safe", user, { Event: "CLICK", EventKey: "ACTION_COMPLAIN" }, t0);
    // A question answered by the dialogue, which changes what the conversation remembers.
    const question = await w.send(
      "safe",
      user,
      { MsgType: "text", Content: "身份证丢了怎么补办", MsgId: msgId() },
      t0 + 1,
    );
    expect(question.reply!.Content).toContain("居民身份证补领");
    const photo = await w.send(
      "safe",
      user,
      { MsgType: "image", PicUrl: "http://mmbiz.qpic.cn/h.jpg", MediaId: "media-held", MsgId: msgId() },
      t0 + 2,
    );
    expect(photo.reply!.Content).toContain("已收到您发送的图片。请再用文字描述");
    const complaint = await text("safe", user, `${road()}的路灯坏了，晚上很黑，请尽快修理`);
    const ticketNumber = /GD\d{8}-\d{6}/.exec(complaint.reply!.Content as string)![0];
    const ticket = await prisma().ticket.findUniqueOrThrow({
      where: { number: ticketNumber },
      include: { attachments: true },
    });
    expect(ticket.attachments.map((a) => a.mediaId)).toEqual(["media-held"]);
  });

  it("answers the menu's 查询工单 as a typed one, in each state's public words: rejected and merged are not 正在办理", async () => {
    const user = openid();
    const options = { channel: "wechat" as const, channelUserId: user };
    const parent = await fileAndRoute(w.t.hub, `东湖区${road()}路灯不亮`, options);
    const merged = await fileAndRoute(w.t.hub, `东湖区${road()}井盖丢了`, options);
    const rejected = await fileAndRoute(w.t.hub, `东湖区${road()}邻居装修太吵`, options);
    const actions = w.t.hub.cases.actions;
    await actions.apply(
      { id: merged.id },
      { type: "merge", parentId: parent.id, parentNumber: parent.number, reason: "同一问题" },
      "staff:test",
    );
    await actions.apply({ id: rejected.id }, { type: "reject", reason: "属民事纠纷" }, "staff:test");

    const tapped = (await event("safe", user, { Event: "CLICK", EventKey: "ACTION_TICKET_STATUS" })).reply!
      .Content as string;
    expect(tapped).toMatch(new RegExp(`${rejected.number}（.+）：不予受理`));
    expect(tapped).toMatch(new RegExp(`${merged.number}（.+）：已并案办理`));
    expect(tapped).toContain(parent.number);
    expect(tapped).not.toContain("正在办理");
    const typed = await text("safe", user, "查询工单");
    expect(typed.reply!.Content).toBe(tapped);
  });

  it("takes a bare digit as a rating when the rating request came after the options offered", async () => {
    const user = openid();
    const welcome = await event("safe", user, { Event: "subscribe", EventKey: "" }, Math.floor(Date.now() / 1000) - 5);
    expect(welcome.reply!.Content).toContain("5. ");
    const ticket = await fileAndRoute(w.t.hub, `东湖区${road()}路灯不亮`, { channel: "wechat", channelUserId: user });
    await w.t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:test");
    await w.t.hub.cases.actions.apply({ id: ticket.id }, { type: "resolve", reply: "已更换路灯灯泡。" }, "staff:test");
    const rated = await text("safe", user, "5");
    expect(rated.reply!.Content).toBe(`感谢您的评价（非常满意）！工单 ${ticket.number} 已办结归档。`);
  });

  it("adds a photo and a typed 补充 to a ticket the same one way, and a photo resumes a ticket waiting for the citizen", async () => {
    const user = openid();
    const complaint = await text("safe", user, `${road()}的井盖丢了，很危险，请尽快处理`);
    const number = /GD\d{8}-\d{6}/.exec(complaint.reply!.Content as string)![0];
    const ticket = await eventually(async () => {
      const found = await prisma().ticket.findUnique({ where: { number } });
      return found?.status === "assigned" ? found : undefined;
    });
    await w.t.hub.cases.actions.apply({ id: ticket.id }, { type: "accept" }, "staff:test");
    await w.t.hub.cases.actions.apply({ id: ticket.id }, { type: "suspend", reason: "请提供现场照片" }, "staff:test");

    const photo = await w.send("safe", user, {
      MsgType: "image",
      PicUrl: "http://mmbiz.qpic.cn/y.jpg",
      MediaId: "media-9",
      MsgId: msgId(),
    });
    expect(photo.reply!.Content).toBe(`已收到您发送的图片，已作为工单 ${number} 的补充材料登记。工单已恢复办理。`);
    const resumed = await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(resumed.status).toBe("in_progress");
    expect(resumed.dueRunningSince).not.toBeNull(); // the deadline clock runs again

    const typed = await text("safe", user, `补充 ${number}：井盖在3号楼东侧`);
    expect(typed.reply!.Content).toBe(`已将您补充的信息加入工单 ${number}，承办部门会一并处理。`);

    const [attachment] = await prisma().ticketAttachment.findMany({ where: { ticketId: ticket.id } });
    const events = await prisma().ticketEvent.findMany({
      where: { ticketId: ticket.id, type: "supplemented" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.actor, e.data])).toEqual([
      [
        "citizen:wechat",
        expect.objectContaining({
          from: "suspended",
          to: "in_progress",
          supplement: {
            kind: "image",
            mediaId: "media-9",
            url: "http://mmbiz.qpic.cn/y.jpg",
            attachmentId: attachment!.id,
          },
        }),
      ],
      ["citizen:wechat", { supplement: { kind: "text", text: "井盖在3号楼东侧" } }],
    ]);
    expect((await verifyAuditTrail(prisma())).problems).toEqual([]);

    // 我要投诉 starts a new complaint: the next photo is held for it, not added to this ticket.
    // (WeChat's times are whole seconds: the tap is stamped after the ticket's filing.)
    await event("safe", user, { Event: "CLICK", EventKey: "ACTION_COMPLAIN" }, Math.floor(Date.now() / 1000) + 1);
    const next = await w.send("safe", user, {
      MsgType: "image",
      PicUrl: "http://mmbiz.qpic.cn/z.jpg",
      MediaId: "media-10",
      MsgId: msgId(),
    });
    expect(next.reply!.Content).toContain("已收到您发送的图片。请再用文字描述");
    expect(await prisma().ticketAttachment.findFirstOrThrow({ where: { mediaId: "media-10" } })).toMatchObject({
      ticketId: null,
    });
  });

  it("acknowledges a photo outside any complaint without filing anything", async () => {
    const user = openid();
    const photo = await w.send("plaintext", user, {
      MsgType: "image",
      PicUrl: "http://x/y.jpg",
      MediaId: "m2",
      MsgId: msgId(),
    });
    expect(photo.reply!.Content).toContain("已收到您发送的图片。如需投诉或求助");
    expect(await prisma().ticketAttachment.count({ where: { mediaId: "m2" } })).toBe(0);
  });

  it("answers voice by its recognition, or asks the citizen to type", async () => {
    const user = openid();
    const heard = await w.send("safe", user, {
      MsgType: "voice",
      MediaId: "v1",
      Format: "amr",
      Recognition: "公积金租房怎么提取",
      MsgId: msgId(),
    });
    expect(heard.reply!.Content).toContain("住房公积金租房提取");
    const unheard = await w.send("safe", user, {
      MsgType: "voice",
      MediaId: "v2",
      Format: "amr",
      Recognition: "",
      MsgId: msgId(),
    });
    expect(unheard.reply!.Content).toContain("请您用文字输入");
  });

  it("reads a shared link's title and description", async () => {
    const user = openid();
    const link = await w.send("safe", user, {
      MsgType: "link",
      Title: "社保卡丢了怎么补",
      Description: "",
      Url: "http://example.com/a",
      MsgId: msgId(),
    });
    expect(link.reply!.Content).toContain("社会保障卡");
  });

  it("records an unfollow without answering, welcomes a scan, and ignores location reports", async () => {
    const user = openid();
    const gone = await event("safe", user, { Event: "unsubscribe" });
    expect(gone.body).toBe("success");
    const recorded = await prisma().message.findMany({ where: { conversation: { channelUserId: user } } });
    expect(recorded.map((m) => m.text)).toEqual(["[取消关注]"]);

    const scan = await event(
      "safe",
      user,
      { Event: "SCAN", EventKey: "window-12", Ticket: "t" },
      Math.floor(Date.now() / 1000) + 5,
    );
    expect(scan.reply!.Content).toContain("欢迎回来");

    const before = await prisma().message.count();
    const report = await event(
      "safe",
      user,
      { Event: "LOCATION", Latitude: "23.1", Longitude: "113.3", Precision: "30" },
      Math.floor(Date.now() / 1000) + 9,
    );
    expect(report.body).toBe("success");
    expect(await prisma().message.count()).toBe(before);
  });

  describe("refuses bad input and records nothing", () => {
    it.each([
      [
        "a bad signature (plaintext)",
        () => {
          const push = w.platform.push("plaintext", openid(), { MsgType: "text", Content: "你好", MsgId: msgId() });
          return { url: push.url.replace(/signature=[0-9a-f]+/, `signature=${"0".repeat(40)}`), body: push.body };
        },
        401,
      ],
      [
        "a bad msg_signature (safe)",
        () => {
          const push = w.platform.push("safe", openid(), { MsgType: "text", Content: "你好", MsgId: msgId() });
          return {
            url: push.url.replace(/msg_signature=[0-9a-f]+/, `msg_signature=${"0".repeat(40)}`),
            body: push.body,
          };
        },
        401,
      ],
      ["no signature at all", () => ({ url: "/connectors/wechat", body: "<xml><MsgType>text</MsgType></xml>" }), 401],
      [
        "malformed XML (plaintext)",
        () => w.platform.pushXml("plaintext", "<xml><ToUserName>gh</ToUserName><Content>你好</xml>"),
        400,
      ],
      ["malformed XML inside the ciphertext (safe)", () => w.platform.pushXml("safe", "<xml><Content>unclosed"), 400],
      [
        "a DOCTYPE with entities",
        () =>
          w.platform.pushXml(
            "plaintext",
            `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><ToUserName>gh</ToUserName><FromUserName>ox</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>`,
          ),
        400,
      ],
      [
        "a DOCTYPE inside the ciphertext",
        () =>
          w.platform.pushXml(
            "safe",
            `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><ToUserName>gh</ToUserName><FromUserName>ox</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>`,
          ),
        400,
      ],
      [
        "a message without FromUserName",
        () =>
          w.platform.pushXml(
            "safe",
            "<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>你好</Content></xml>",
          ),
        400,
      ],
      [
        "an oversized body",
        () => w.platform.pushXml("plaintext", `<xml><Content>${"很".repeat(12_000)}</Content></xml>`),
        413,
      ],
    ])("%s", async (_what, build, expected) => {
      const [messages, tickets, conversations] = await Promise.all([
        prisma().message.count(),
        prisma().ticket.count(),
        prisma().conversation.count(),
      ]);
      const push = build();
      const response = await w.app.inject({
        method: "POST",
        url: push.url,
        payload: push.body,
        headers: { "content-type": "text/xml" },
      });
      expect(response.statusCode).toBe(expected);
      expect(response.json()).toMatchObject({ statusCode: expected });
      expect(
        await Promise.all([prisma().message.count(), prisma().ticket.count(), prisma().conversation.count()]),
      ).toEqual([messages, tickets, conversations]);
    });

    it("a ciphertext for another AppID", async () => {
      const other = new (await import("../connectors/wechat/testing/wechat-platform.ts")).WechatPlatform({
        ...WECHAT,
        appId: "wx0000000000000000",
      });
      const push = other.push("safe", openid(), { MsgType: "text", Content: "你好", MsgId: msgId() });
      const before = await prisma().message.count();
      const response = await w.app.inject({
        method: "POST",
        url: push.url,
        payload: push.body,
        headers: { "content-type": "text/xml" },
      });
      expect(response.statusCode).toBe(401);
      expect(await prisma().message.count()).toBe(before);
    });
  });
});

describe("WeChat connector in two processes", () => {
  // Two hubs on one database, one Redis and one queue prefix, as a web tier of two processes would be.
  let envs: WechatTestEnv[];
  let api: FakeWechatApi;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
    await api.start();
    const database = await createTestDatabase("postgresql");
    drop = database.drop;
    const shared = { api, database: database.target, env: { QUEUE_PREFIX: uniqueName("two") }, workers: false };
    envs = [await startWechatEnv("postgresql", shared), await startWechatEnv("postgresql", shared)];
  });
  afterAll(async () => {
    for (const env of envs) await env.close();
    await drop();
    await api.stop();
  });

  it("processes three concurrent tries spread over both processes once, with one reply", async () => {
    const user = openid();
    const id = msgId();
    const counters = envs.map((env) => countHandled(env.t.hub.pipeline, user));
    const tries = await Promise.all(
      [0, 1, 0].map(
        async (which) =>
          (
            await envs[which]!.send("safe", user, {
              MsgType: "text",
              Content: "阳光小区3栋楼下的路灯坏了三天了，晚上很黑，请尽快修理",
              MsgId: id,
            })
          ).reply?.Content,
      ),
    );
    expect(new Set(tries).size).toBe(1);
    expect(tries[0]).toMatch(/工单号：GD\d{8}-\d{6}/);
    expect(counters.reduce((sum, count) => sum + count(), 0)).toBe(1);
    expect(await envs[0]!.t.hub.db.prisma.ticket.count({ where: { channelUserId: user } })).toBe(1);
  });
});

describe("WeChat connector when answers miss the passive budget", () => {
  let w: WechatTestEnv;
  beforeAll(async () => {
    // Budget 0: no answer is ever ready in time, so every one goes through the customer-service API.
    w = await startWechatEnv("postgresql", { env: { PASSIVE_REPLY_BUDGET_MS: "0", WECHAT_ALLOW_PLAINTEXT: "true" } });
  });
  afterAll(async () => {
    await w.close();
  });

  it("replies `success` to all three concurrent tries and sends the answer once, later", async () => {
    const user = openid();
    const id = msgId();
    const tries = await Promise.all(
      [0, 1, 2].map(() =>
        w.send("safe", user, {
          MsgType: "text",
          Content: "幸福小区门口的路灯坏了一个星期了，晚上很黑，请尽快修理",
          MsgId: id,
        }),
      ),
    );
    expect(tries.map((t) => t.body)).toEqual(["success", "success", "success"]);
    const sent = await eventually(async () => {
      const messages = w.api.sent.filter((m) => m.touser === user);
      return messages.length > 0 ? messages : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content).toMatch(/工单号：GD\d{8}-\d{6}/);
    expect(await w.t.hub.db.prisma.ticket.count({ where: { channelUserId: user } })).toBe(1);
    const delivery = await eventually(
      async () =>
        (await w.t.hub.db.prisma.delivery.findFirst({
          where: { channelUserId: user, status: { not: "pending" } },
          include: { attempts: true },
        })) ?? undefined,
    );
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a) => a.ok)).toEqual([true]);
    // Retries after the answer went out get `success` too, and nothing is sent again.
    expect(
      (
        await w.send("plaintext", user, {
          MsgType: "text",
          Content: "幸福小区门口的路灯坏了一个星期了，晚上很黑，请尽快修理",
          MsgId: id,
        })
      ).body,
    ).toBe("success");
    expect(w.api.sent.filter((m) => m.touser === user)).toHaveLength(1);
  });
});

describe("WeChat connector under load", () => {
  let w: WechatTestEnv;
  beforeAll(async () => {
    // No room for passive answers: every push is shed to the inbound queue.
    w = await startWechatEnv("pglite", { env: { PASSIVE_REPLY_MAX_IN_FLIGHT: "0" } });
  });
  afterAll(async () => {
    await w.close();
  });

  it("sheds a push to the queue with `success` and answers it through the customer-service API", async () => {
    const user = openid();
    const response = await w.send("safe", user, { MsgType: "text", Content: "社保卡丢了怎么补", MsgId: msgId() });
    expect(response.body).toBe("success");
    const sent = await eventually(async () => w.api.sent.find((m) => m.touser === user));
    expect(sent.content).toContain("社会保障卡");
    expect(await w.t.hub.db.prisma.message.count({ where: { conversation: { channelUserId: user } } })).toBe(1);
  });
});

describe("WeChat and Weibo connectors when not configured", () => {
  it("answer 404 saying which settings turn them on", async () => {
    const t = await startTestHub("pglite");
    const app = await buildApp(t.hub);
    try {
      for (const method of ["GET", "POST"] as const) {
        const response = await app.inject({
          method,
          url: "/connectors/wechat?signature=x&timestamp=1&nonce=2",
          payload: method === "POST" ? "<xml/>" : undefined,
          headers: { "content-type": "text/xml" },
        });
        expect(response.statusCode).toBe(404);
        expect(response.json().message).toContain("WECHAT_TOKEN");
      }
      const weibo = await app.inject({
        method: "POST",
        url: "/connectors/weibo?signature=x&timestamp=1&nonce=2",
        payload: { type: "text" },
      });
      expect(weibo.statusCode).toBe(404);
      expect(weibo.json().message).toContain("WEIBO_APP_SECRET");
      expect((await app.inject({ method: "GET", url: "/connectors/weibo/status" })).json()).toEqual({
        configured: false,
        streams: [],
      });
    } finally {
      await app.close();
      await t.close();
    }
  });
});
