import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sortedSha1 } from "../connectors/shared/sorted-sha1.ts";
import { NO_PERMISSION, RATE_LIMITED } from "../connectors/weibo/testing/fake-weibo-api.ts";
import { parseWeiboDate } from "../connectors/weibo/weibo-date.ts";
import { splitText } from "../connectors/weibo/weibo-text.ts";
import { countHandled } from "./support/channel-env.ts";
import { eventually } from "./support/test-env.ts";
import { startWeiboEnv, WEIBO, weiboConnector, type WeiboTestEnv } from "./support/weibo-env.ts";

const fan = () => String(randomInt(1_000_000_000, 9_000_000_000));
let postIds = 4_900_000_000_000_000n;
const postId = () => String(++postIds);
const COMPLAINT = "人民路的路灯坏了一个星期了，晚上很黑，请尽快修理";

describe("Weibo protocol details", () => {
  it("signs pushes like the wiki's vector", () => {
    expect(sortedSha1(["xyz123xyz", "1397022061823", "57155157"])).toBe("90e4c22c90a58f26526c2dd5b6c56c8822edeaa1");
  });

  it("reads Weibo's time format", () => {
    expect(parseWeiboDate("Mon Jul 16 18:09:20 +0800 2012")?.toISOString()).toBe("2012-07-16T10:09:20.000Z");
    expect(parseWeiboDate("2012-07-16 18:09:20")).toBeUndefined();
  });

  it("splits long answers into messages under 300 characters, at line breaks", () => {
    const text = Array.from({ length: 40 }, (_, i) => `第${i + 1}行：办理材料与流程说明`).join("\n");
    const chunks = splitText(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => [...c].length < 300)).toBe(true);
    expect(chunks.join("\n")).toBe(text);
    expect(splitText("字".repeat(700)).map((c) => c.length)).toEqual([299, 299, 102]);
  });
});

describe("Weibo connector", () => {
  let w: WeiboTestEnv;
  beforeAll(async () => {
    w = await startWeiboEnv("postgresql");
    // Let the first scheduled poll (on an empty account) finish before tests poll by hand.
    await eventually(async () =>
      (await w.t.hub.db.prisma.pollCursor.count({ where: { status: "ok" } })) === 2 ? true : undefined,
    );
  });
  afterAll(async () => {
    await w.close();
  });
  const prisma = () => w.t.hub.db.prisma;

  describe("push", () => {
    it("verifies the URL by echoing echostr, and refuses a wrong signature", async () => {
      const ok = await w.app.inject({ method: "GET", url: w.platform.signedUrl({ echostr: "hello-weibo" }) });
      expect([ok.statusCode, ok.body]).toEqual([200, "hello-weibo"]);
      const bad = await w.app.inject({
        method: "GET",
        url: w.platform.signedUrl({ echostr: "hello-weibo", secret: "nope" }),
      });
      expect(bad.statusCode).toBe(401);
      expect(bad.body).not.toContain("hello-weibo");
    });

    it("answers a private message with the passive JSON reply, and the rest of a long answer privately", async () => {
      const sender = fan();
      const response = await w.push(w.platform.push("text", sender, { text: "身份证丢了怎么补办" }));
      expect(response.status).toBe(200);
      const reply = JSON.parse(response.body);
      expect(reply).toMatchObject({
        result: true,
        sender_id: Number(WEIBO.uid),
        receiver_id: Number(sender),
        type: "text",
      });
      expect(reply.data).toMatch(/^%7B%22text%22%3A%22/);
      expect(response.text).toContain("【居民身份证补领】");
      expect([...response.text!].length).toBeLessThan(300);
      // The answer is longer than one message: the rest arrives through messages/reply.json.
      const rest = await eventually(async () => {
        const sent = w.api.messages.filter((m) => m.receiverId === sender);
        return sent.length > 0 ? sent : undefined;
      });
      expect(rest.every((m) => [...m.text].length < 300)).toBe(true);
      expect([response.text, ...rest.map((m) => m.text)].join("\n")).toContain("办公时间");
    });

    it("gives every concurrent retry of a push the same reply and processes it once", async () => {
      const sender = fan();
      const processed = countHandled(w.t.hub.pipeline, sender);
      const body = w.platform.push("text", sender, { text: COMPLAINT, at: new Date(Date.now() - 1000) });
      const tries = await Promise.all([0, 1, 2].map(() => w.push(body)));
      expect(new Set(tries.map((t) => t.body)).size).toBe(1);
      expect(tries[0]!.text).toMatch(/工单号：GD\d{8}-\d{6}/);
      expect(processed()).toBe(1);
      expect(await prisma().ticket.count({ where: { channelUserId: sender } })).toBe(1);
    });

    it("welcomes a follower, answers menu keys, records an unfollow without a reply", async () => {
      const sender = fan();
      const follow = await w.push(w.platform.push("event", sender, { data: { subtype: "follow" } }));
      expect(follow.text).toContain("感谢关注");
      expect(follow.text).toMatch(/\n1\. .+\n2\. /);
      const click = await w.push(
        w.platform.push("event", sender, {
          data: { subtype: "click", key: "ITEM_GA003" },
          at: new Date(Date.now() + 1000),
        }),
      );
      expect(click.text).toContain("【居民身份证补领】");
      const gone = await w.push(
        w.platform.push("event", sender, { data: { subtype: "unfollow" }, at: new Date(Date.now() + 2000) }),
      );
      expect([gone.status, gone.body]).toEqual([200, ""]);
      const texts = (
        await prisma().message.findMany({
          where: { conversation: { channelUserId: sender } },
          orderBy: { createdAt: "asc" },
        })
      ).map((m) => m.text);
      expect(texts).toEqual(["[关注]", "[菜单] 居民身份证补领", "[取消关注]"]);
    });

    it("adds a photo and a position to the fan's ticket the way every channel does", async () => {
      const sender = fan();
      const complaint = await w.push(
        w.platform.push("text", sender, { text: COMPLAINT, at: new Date(Date.now() - 3000) }),
      );
      const number = /GD\d{8}-\d{6}/.exec(complaint.text!)![0];
      const photo = await w.push(
        w.platform.push("image", sender, {
          data: { vfid: "821804459", tovfid: "821804460" },
          at: new Date(Date.now() - 2000),
        }),
      );
      expect(photo.text).toBe(`已收到您发送的图片，已作为工单 ${number} 的补充材料登记。`);
      const place = await w.push(
        w.platform.push("position", sender, {
          data: { latitude: "39.9", longitude: "116.4" },
          at: new Date(Date.now() - 1000),
        }),
      );
      expect(place.text).toBe(`已收到您发送的位置，已作为工单 ${number} 的补充材料登记。`);
      const ticket = await prisma().ticket.findUniqueOrThrow({
        where: { number },
        include: { attachments: { orderBy: { createdAt: "asc" } } },
      });
      const [image, position] = ticket.attachments;
      const events = await prisma().ticketEvent.findMany({
        where: { ticketId: ticket.id, type: "supplemented" },
        orderBy: { seq: "asc" },
      });
      expect(events.map((e) => [e.actor, e.data])).toEqual([
        ["citizen:weibo", { supplement: { kind: "image", mediaId: "821804459", attachmentId: image!.id } }],
        [
          "citizen:weibo",
          { supplement: { kind: "location", latitude: 39.9, longitude: 116.4, attachmentId: position!.id } },
        ],
      ]);
    });

    it("ignores unknown push types without recording them", async () => {
      const before = await prisma().message.count();
      const response = await w.push(w.platform.push("sticker", fan(), { text: "x" }));
      expect([response.status, response.body]).toEqual([200, ""]);
      expect(await prisma().message.count()).toBe(before);
    });

    it.each([
      [
        "a wrong signature",
        (url: string) => url.replace(/signature=[0-9a-f]+/, `signature=${"1".repeat(40)}`),
        { type: "text", receiver_id: 1, sender_id: 2, created_at: "Mon Jul 16 18:09:20 +0800 2012", text: "你好" },
        401,
      ],
      [
        "no signature",
        () => "/connectors/weibo",
        { type: "text", receiver_id: 1, sender_id: 2, created_at: "Mon Jul 16 18:09:20 +0800 2012", text: "你好" },
        401,
      ],
      [
        "a missing sender_id",
        (url: string) => url,
        { type: "text", receiver_id: 1, created_at: "Mon Jul 16 18:09:20 +0800 2012", text: "你好" },
        400,
      ],
      [
        "a created_at in another format",
        (url: string) => url,
        { type: "text", receiver_id: 1, sender_id: 2, created_at: "2012-07-16", text: "你好" },
        400,
      ],
      [
        "an empty text message",
        (url: string) => url,
        { type: "text", receiver_id: 1, sender_id: 2, created_at: "Mon Jul 16 18:09:20 +0800 2012", text: " " },
        400,
      ],
      ["malformed JSON", (url: string) => url, '{"type": "text",', 400],
      [
        "an oversized body",
        (url: string) => url,
        {
          type: "text",
          receiver_id: 1,
          sender_id: 2,
          created_at: "Mon Jul 16 18:09:20 +0800 2012",
          text: "很".repeat(20_000),
        },
        413,
      ],
    ])("refuses %s and records nothing", async (_what, url, body, expected) => {
      const before = await Promise.all([prisma().message.count(), prisma().ticket.count()]);
      const response = await w.app.inject({
        method: "POST",
        url: url(w.platform.signedUrl()),
        payload: typeof body === "string" ? body : JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode).toBe(expected);
      if (expected === 400 && typeof body !== "string" && !("sender_id" in body))
        expect(response.json().field).toBe("body.sender_id");
      expect(await Promise.all([prisma().message.count(), prisma().ticket.count()])).toEqual(before);
    });
  });

  describe("public posts", () => {
    it("answers a mention push in its reply with the ticket number, and the poller's copy changes nothing", async () => {
      const author = fan();
      const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
      const text = `@市政务服务 ${COMPLAINT}`;
      const response = await w.push(w.platform.push("mention", author, { text, at }));
      expect(response.status).toBe(200);
      const ticket = await prisma().ticket.findFirstOrThrow({ where: { channelUserId: author } });
      expect(response.text).toContain(`工单号：${ticket.number}`);

      // The same post, as statuses/mentions lists it: no second ticket, no second private message.
      w.api.mentions.push({ id: postId(), uid: author, text, createdAt: at });
      const report = await weiboConnector(w.t.hub).poller.pollStream("mentions");
      expect(report).toMatchObject({ status: "ok", ingested: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(await prisma().ticket.count({ where: { channelUserId: author } })).toBe(1);
      expect(w.api.messages.filter((m) => m.receiverId === author)).toHaveLength(0);
      expect(await prisma().delivery.count({ where: { channelUserId: author } })).toBe(0);
    });

    it("polls comments from a persisted since_id and never takes one in twice", async () => {
      const complainer = fan();
      const asker = fan();
      const post = { id: postId(), text: "市政务服务中心春节开放时间公告" };
      const complaint = { id: postId(), uid: complainer, text: COMPLAINT, createdAt: new Date(), status: post };
      const question = { id: postId(), uid: asker, text: "公积金租房怎么提取", createdAt: new Date(), status: post };
      w.api.comments.push(complaint, question);
      const poller = weiboConnector(w.t.hub).poller;

      expect(await poller.pollStream("comments")).toMatchObject({ status: "ok", ingested: 2 });
      expect(await poller.pollStream("comments")).toMatchObject({ status: "ok", ingested: 0 });
      const cursor = await prisma().pollCursor.findUniqueOrThrow({ where: { stream: "weibo:comments" } });
      expect(cursor.sinceId).toBe(question.id);

      const ticket = await prisma().ticket.findFirstOrThrow({ where: { channelUserId: complainer } });
      const pm = await eventually(async () => w.api.messages.find((m) => m.receiverId === complainer));
      expect(pm.text).toContain(ticket.number);
      // Questions are recorded as public feedback; only complaints get a private message.
      expect(
        await prisma().message.count({ where: { channel: "weibo", channelMessageId: `comment:${question.id}` } }),
      ).toBe(1);
      expect(w.api.messages.some((m) => m.receiverId === asker)).toBe(false);
      // WEIBO_PUBLIC_REPLY is off: nothing public.
      expect(w.api.commentReplies).toEqual([]);
    });

    it("backs off on a rate limit, says so in the status, and recovers", async () => {
      const poller = weiboConnector(w.t.hub).poller;
      w.api.failNext("/2/statuses/mentions.json", RATE_LIMITED);
      expect(await poller.pollStream("mentions")).toMatchObject({ status: "rate_limited" });
      const calls = w.api.calls["/2/statuses/mentions.json"];
      expect(await poller.pollStream("mentions")).toMatchObject({ skipped: "backing off", status: "rate_limited" });
      expect(w.api.calls["/2/statuses/mentions.json"]).toBe(calls);

      const status = await w.app.inject({ method: "GET", url: "/connectors/weibo/status" });
      const mentions = status.json().streams.find((s: { stream: string }) => s.stream === "mentions");
      expect(mentions).toMatchObject({ status: "rate_limited", failures: 1 });
      expect(mentions.lastError).toContain("10023");
      expect(new Date(mentions.retryAfter).getTime()).toBeGreaterThan(Date.now());

      // Once the backoff is over, polling resumes and the status clears.
      await prisma().pollCursor.update({
        where: { stream: "weibo:mentions" },
        data: { retryAfter: new Date(Date.now() - 1) },
      });
      expect(await poller.pollStream("mentions")).toMatchObject({ status: "ok" });
      expect(await prisma().pollCursor.findUniqueOrThrow({ where: { stream: "weibo:mentions" } })).toMatchObject({
        status: "ok",
        failures: 0,
        lastError: null,
      });
    });

    it("surfaces a missing permission as its own status, with a long backoff", async () => {
      const poller = weiboConnector(w.t.hub).poller;
      w.api.failNext("/2/comments/to_me.json", NO_PERMISSION);
      const report = await poller.pollStream("comments");
      expect(report).toMatchObject({ status: "permission_denied" });
      const cursor = await prisma().pollCursor.findUniqueOrThrow({ where: { stream: "weibo:comments" } });
      expect(cursor.lastError).toContain("10014");
      expect(cursor.retryAfter!.getTime() - Date.now()).toBeGreaterThan(10 * 60_000);
      await prisma().pollCursor.update({ where: { stream: "weibo:comments" }, data: { retryAfter: null } });
    });

    it("lets one poller run at a time across processes", async () => {
      const poller = weiboConnector(w.t.hub).poller;
      const author = fan();
      w.api.mentions.push({ id: postId(), uid: author, text: "请问社保卡丢了怎么补", createdAt: new Date() });
      const [a, b] = await Promise.all([poller.pollAll(), poller.pollAll()]);
      const skipped = [a!, b!].filter((reports) => reports.every((r) => r.skipped === "another process is polling"));
      expect(skipped).toHaveLength(1);
      expect([...a!, ...b!].reduce((sum, r) => sum + r.ingested, 0)).toBe(1);
    });

    it("on the very first poll takes in only posts still inside the 48-hour window", async () => {
      await prisma().pollCursor.update({ where: { stream: "weibo:mentions" }, data: { sinceId: null } });
      const old = { id: postId(), uid: fan(), text: COMPLAINT, createdAt: new Date(Date.now() - 72 * 3600_000) };
      w.api.mentions.splice(0, w.api.mentions.length, old);
      expect(await weiboConnector(w.t.hub).poller.pollStream("mentions")).toMatchObject({ status: "ok", ingested: 0 });
      expect((await prisma().pollCursor.findUniqueOrThrow({ where: { stream: "weibo:mentions" } })).sinceId).toBe(
        old.id,
      );
      expect(await prisma().ticket.count({ where: { channelUserId: old.uid } })).toBe(0);
    });
  });
});

describe("Weibo connector with public replies and late answers", () => {
  let w: WeiboTestEnv;
  beforeAll(async () => {
    w = await startWeiboEnv("pglite", {
      env: { WEIBO_PUBLIC_REPLY: "true", PASSIVE_REPLY_BUDGET_MS: "0", WEIBO_POLL_INTERVAL_MS: "1000" },
    });
  });
  afterAll(async () => {
    await w.close();
  });

  it("polls on schedule, and answers a public complaint in private and under the comment", async () => {
    const author = fan();
    const post = { id: postId(), text: "关于城区道路照明设施检修的通知" };
    const comment = { id: postId(), uid: author, text: COMPLAINT, createdAt: new Date(), status: post };
    w.api.comments.push(comment);
    // No manual poll: the scheduled job (every second) takes it in.
    const reply = await eventually(async () => w.api.commentReplies.find((r) => r.cid === comment.id), 20_000);
    const ticket = await w.t.hub.db.prisma.ticket.findFirstOrThrow({ where: { channelUserId: author } });
    expect(reply).toEqual({ cid: comment.id, id: post.id, comment: expect.stringContaining(ticket.number) });
    expect([...reply.comment].length).toBeLessThanOrEqual(140);
    expect((await eventually(async () => w.api.messages.find((m) => m.receiverId === author))).text).toContain(
      ticket.number,
    );
  });

  it("answers a private message through messages/reply.json when it misses the passive budget", async () => {
    const sender = fan();
    const response = await w.push(w.platform.push("text", sender, { text: "社保卡丢了怎么补" }));
    expect([response.status, response.body]).toEqual([200, ""]);
    const sent = await eventually(async () => {
      const messages = w.api.messages.filter((m) => m.receiverId === sender);
      return messages.length > 0 ? messages : undefined;
    });
    expect(sent[0]!.text).toContain("社会保障卡");
  });

  it("answers a mention push that misses the budget in private, once, later", async () => {
    const author = fan();
    const response = await w.push(
      w.platform.push("mention", author, { text: `@市政务服务 ${COMPLAINT}`, at: new Date(Date.now() - 2000) }),
    );
    expect([response.status, response.body]).toEqual([200, ""]);
    const pm = await eventually(async () => w.api.messages.find((m) => m.receiverId === author));
    const ticket = await w.t.hub.db.prisma.ticket.findFirstOrThrow({ where: { channelUserId: author } });
    expect(pm.text).toContain(ticket.number);
  });

  it("records a private message the fan no longer accepts as undeliverable", async () => {
    const sender = fan();
    w.api.noQuota.add(sender);
    await w.push(w.platform.push("text", sender, { text: "你好" }));
    const delivery = await eventually(async () => {
      const found = await w.t.hub.db.prisma.delivery.findFirst({
        where: { channelUserId: sender, status: { not: "pending" } },
        include: { attempts: true },
      });
      return found ?? undefined;
    });
    expect(delivery.status).toBe("undeliverable");
    expect(delivery.attempts[0]!.error).toContain("10014");
  });
});
