// Alert changes reach duty officers as WeChat template messages, beside the signed webhook: a
// hub on PostgreSQL and Redis with its workers (the composition root wires the WeChat connector
// into the opinion-alerts worker), the fake WeChat API on loopback and a local webhook receiver.
// An alert change is written to the outbox as the monitor writes it and relayed to the queue.
// Checked: the message's Chinese fields and link, masked; one officer who unfollowed is refused
// for good (not retried); a failed send is retried without sending again to anyone already
// served — the webhook included; an expired token is refreshed once; and a job run again after
// Redis lost it sends nothing twice.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelModules } from "../connectors/index.ts";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { purgeExpired } from "../src/cases/retention.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import type { AlertDelivery } from "../src/opinion/alert-changes.ts";
import { ALERT_JOB_NAME, alertJobId } from "../src/opinion/alert-delivery.ts";
import { QueueNames } from "../src/queue/queue-names.ts";
import { WECHAT, wechatSettings } from "./support/wechat-env.ts";
import { eventually, startTestHub, type TestHub } from "./support/test-env.ts";

const DAY = 86_400_000;
const TEMPLATE = "TPL_duty_alert";
const ON_DUTY = "oDutyOfficer_0001";
const SECOND = "oDutyOfficer_0002";
const UNFOLLOWED = "oDutyOfficer_0003";
const SUNSHINE = "990102P011"; // 阳光小区 in intents/regions.yaml
const PHONE = "13812345678";
const ALERT_ID = "alert-wechat-test";

/** A webhook receiver that counts what it gets and answers 200. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("alerts to duty officers on WeChat", () => {
  const api = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestHub;

  beforeAll(async () => {
    await api.start();
    api.templateIds.add(TEMPLATE);
    api.unfollowed.add(UNFOLLOWED);
    receiver = await startReceiver();
    t = await startTestHub("postgresql", {
      workers: true,
      env: {
        ...wechatSettings(api.url),
        OPINION_ALERT_WECHAT_OPENIDS: `${ON_DUTY}, ${SECOND},${UNFOLLOWED}`,
        OPINION_ALERT_WECHAT_TEMPLATE_ID: TEMPLATE,
        WORKBENCH_PUBLIC_URL: "https://hub.example.gov.cn/",
        OPINION_ALERT_WEBHOOK: receiver.url,
        OPINION_ALERT_WEBHOOK_SECRET: "test-webhook-secret-0123456789",
      },
    });
    await t.hub.db.prisma.opinionAlert.create({
      data: {
        id: ALERT_ID,
        status: "open",
        level: "预警",
        // A label is built from masked text; a number that slipped through is masked again.
        label: `阳光小区停水 ${PHONE}`,
        series: [`place:${SUNSHINE}`, "keyword:停水"],
        keywords: ["停水"],
        places: [SUNSHINE, "999999999"],
        channels: ["webchat", "wechat"],
        messageCount: 36,
        expected: 4.25,
        score: 13.2,
        firstAt: new Date("2026-12-07T01:15:00Z"),
        detectedAt: new Date("2026-12-07T03:00:00Z"),
        updatedAt: new Date("2026-12-07T03:00:00Z"),
        samples: [
          { id: "m1", text: `停水了，电话${PHONE.slice(0, 3)}****${PHONE.slice(7)}`, at: "", channel: "wechat" },
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await api.stop();
  });

  /** Writes the change to the outbox as the monitor does in the alert's transaction, and relays it. */
  async function deliver(delivery: AlertDelivery): Promise<void> {
    await t.hub.db.prisma.outboxEntry.create({
      data: {
        id: randomUUID(),
        queue: QueueNames.opinionAlerts,
        jobName: ALERT_JOB_NAME,
        jobId: alertJobId(delivery),
        payload: { ...delivery },
      },
    });
    t.hub.relay.kick();
  }

  const sentTo = (openid: string) => api.templates.filter((m) => m.touser === openid);
  const recorded = (deliveryId: string) =>
    t.hub.db.prisma.opinionAlertNotice.findMany({ where: { deliveryId }, orderBy: { recipient: "asc" } });

  it("sends each officer the alert in Chinese with its link, retries only those not served, refuses the unfollowed once", async () => {
    const opened: AlertDelivery = { alertId: ALERT_ID, change: "opened", level: "预警" };
    // The first send (to the first officer) fails with WeChat's system error: the job is retried.
    api.failNext("/cgi-bin/message/template/send", -1);
    await deliver(opened);
    await eventually(async () => (sentTo(ON_DUTY).length > 0 ? true : undefined), 20_000);
    const deliveryId = alertJobId(opened);
    const done = await eventually(async () => {
      const rows = await recorded(deliveryId);
      return rows.length === 4 ? rows : undefined;
    }, 20_000);

    // Each served once, although the job ran twice; the webhook too.
    expect(sentTo(ON_DUTY)).toHaveLength(1);
    expect(sentTo(SECOND)).toHaveLength(1);
    expect(sentTo(UNFOLLOWED)).toHaveLength(0);
    expect(receiver.bodies).toHaveLength(1);
    expect(done.map((r) => [r.recipient, r.outcome])).toEqual([
      ["webhook", "sent"],
      [`wechat:${ON_DUTY}`, "sent"],
      [`wechat:${SECOND}`, "sent"],
      [`wechat:${UNFOLLOWED}`, "refused"],
    ]);
    expect(done.find((r) => r.recipient === `wechat:${UNFOLLOWED}`)!.detail).toContain("43004");
    expect(done.find((r) => r.recipient === `wechat:${SECOND}`)!.detail).toBe(String(sentTo(SECOND)[0]!.msgid));

    const [message] = sentTo(ON_DUTY);
    expect(message!.templateId).toBe(TEMPLATE);
    expect(message!.url).toBe(`https://hub.example.gov.cn/workbench/opinion/alerts/${ALERT_ID}`);
    expect(message!.data).toEqual({
      first: { value: "您好，民意洞察发现一起消息激增，请及时关注。" },
      keyword1: { value: "预警" },
      keyword2: { value: "阳光小区停水 138****5678" },
      keyword3: { value: "阳光小区" },
      keyword4: { value: "36条（通常约4.3条）" },
      keyword5: { value: "12月7日（周一）09:15" },
      remark: { value: "详情请点击查看，感谢您的辛勤工作。" },
    });
    // No citizen's words, no number in clear.
    expect(JSON.stringify(api.templates)).not.toContain(PHONE);
    expect(JSON.stringify(api.templates)).not.toContain("停水了");
  }, 40_000);

  it("refreshes an expired access token once, and says when the level rises and when the alert closes", async () => {
    const fetches = api.tokenFetches;
    api.expireTokens();
    await t.hub.db.prisma.opinionAlert.update({ where: { id: ALERT_ID }, data: { level: "严重" } });
    await deliver({ alertId: ALERT_ID, change: "raised", level: "严重" });
    await eventually(async () => (sentTo(SECOND).length === 2 ? true : undefined), 20_000);
    expect(api.tokenFetches).toBe(fetches + 1);
    expect(sentTo(ON_DUTY)[1]!.data.first!.value).toBe("您好，一起民意预警已升至“严重”，请及时关注。");
    expect(sentTo(ON_DUTY)[1]!.data.keyword1!.value).toBe("严重");

    await t.hub.db.prisma.opinionAlert.update({ where: { id: ALERT_ID }, data: { status: "closed" } });
    await deliver({ alertId: ALERT_ID, change: "closed", level: "严重" });
    await eventually(async () => (sentTo(SECOND).length === 3 ? true : undefined), 20_000);
    expect(sentTo(SECOND)[2]!.data.first!.value).toBe("您好，一起民意预警已平息并解除，特此告知。");
    expect(sentTo(SECOND)[2]!.data.keyword1!.value).toBe("严重（已解除）");
    expect(sentTo(ON_DUTY)).toHaveLength(3);
    expect(receiver.bodies).toHaveLength(3);
  }, 40_000);

  it("sends nothing twice when the job runs again after Redis lost it", async () => {
    const opened: AlertDelivery = { alertId: ALERT_ID, change: "opened", level: "预警" };
    const queue = t.hub.queues.get(QueueNames.opinionAlerts)!;
    const before = await queue.getJob(alertJobId(opened));
    expect(before).toBeDefined();
    await before!.remove();
    const again = await queue.add(ALERT_JOB_NAME, opened, { jobId: alertJobId(opened) });
    await eventually(async () => ((await again.isCompleted()) ? true : undefined), 20_000);
    expect(sentTo(ON_DUTY)).toHaveLength(3);
    expect(sentTo(SECOND)).toHaveLength(3);
    expect(receiver.bodies).toHaveLength(3);
  }, 30_000);

  it("forgets which officers were sent an alert once the retention policy says so", async () => {
    const count = () => t.hub.db.prisma.opinionAlertNotice.count();
    const kept = await count();
    expect(kept).toBeGreaterThanOrEqual(4);
    await purgeExpired(t.hub.db.prisma, { days: 30 }, new Date(Date.now() + 10 * DAY));
    expect(await count()).toBe(kept);
    const report = await purgeExpired(t.hub.db.prisma, { days: 30 }, new Date(Date.now() + 31 * DAY));
    expect(report.alertNotices).toBe(kept);
    expect(await count()).toBe(0);
  });
});

describe("the duty officers' settings", () => {
  const env = {
    NODE_ENV: "test",
    ...wechatSettings("https://api.weixin.qq.com"),
    OPINION_ALERT_WECHAT_OPENIDS: `${ON_DUTY},${SECOND}`,
    OPINION_ALERT_WECHAT_TEMPLATE_ID: TEMPLATE,
  };
  const problems = (e: Record<string, string>) => {
    try {
      loadConfig(e, channelModules());
      return "";
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.message;
    }
  };

  it("take openids and a template together, with the classic keys unless told otherwise", () => {
    const config = loadConfig(
      { ...env, OPINION_ALERT_WECHAT_TEMPLATE_KEYS: "level=phrase1, topic=thing2,title=,firstSeen=time5" },
      channelModules(),
    );
    expect(config.opinion.alertWechat).toEqual({
      openids: [ON_DUTY, SECOND],
      templateId: TEMPLATE,
      keys: {
        title: undefined,
        level: "phrase1",
        topic: "thing2",
        place: "keyword3",
        count: "keyword4",
        firstSeen: "time5",
        remark: "remark",
      },
    });
    expect(loadConfig(env, channelModules()).opinion.alertWechat!.keys.title).toBe("first");
  });

  it("refuse half a setting, a wrong key or openid (never echoed), and duty officers without WeChat", () => {
    expect(problems({ ...env, OPINION_ALERT_WECHAT_TEMPLATE_ID: "" })).toContain(
      "OPINION_ALERT_WECHAT_TEMPLATE_ID: must be set too",
    );
    expect(problems({ ...env, OPINION_ALERT_WECHAT_TEMPLATE_KEYS: "colour=keyword1" })).toContain(
      "OPINION_ALERT_WECHAT_TEMPLATE_KEYS",
    );
    expect(problems({ ...env, OPINION_ALERT_WECHAT_TEMPLATE_KEYS: "level=keyword2" })).toContain(
      "gives two fields the same key",
    );
    const badOpenid = problems({ ...env, OPINION_ALERT_WECHAT_OPENIDS: `${ON_DUTY},o p` });
    expect(badOpenid).toContain("OPINION_ALERT_WECHAT_OPENIDS");
    expect(badOpenid).not.toContain(ON_DUTY);
    const withoutWechat = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("WECHAT_")));
    expect(problems(withoutWechat)).toContain("needs the WeChat Official Account on");
    expect(problems({ ...env, WORKBENCH_PUBLIC_URL: "hub.example.gov.cn" })).toContain("WORKBENCH_PUBLIC_URL");
  });
});
