// 民意洞察 in the workbench, in a real browser against the real opinion API (the harness of
// the workbench's browser tests, tests/support/workbench-browser.ts). Messages are analysed by
// the hub's recorder and stored through the real store (storeOpinionRows, with their rollups);
// a topic and an alert, which the monitor would write, are written with Prisma. An analyst
// visits every view and finds the seeded figures; the overview picks up new messages on its
// 30-second refresh; a phone number a citizen wrote never shows in clear; department staff
// have no 民意洞察 in their navigation and read the refusal. axe-core on every view, and
// screenshots at 1366×768 and 390×844 (WORKBENCH_SCREENSHOTS=<dir> keeps them).
import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOpinionRecorder } from "../src/opinion/load-opinion-recorder.ts";
import type { OpinionRecorder } from "../src/opinion/opinion-recorder.ts";
import { type OpinionRow, storeOpinionRows } from "../src/opinion/opinion-store.ts";
import { fileAndRoute } from "./support/cases.ts";
import { eventually, type TestHub } from "./support/test-env.ts";
import { startWorkbenchBrowser, type WorkbenchBrowser } from "./support/workbench-browser.ts";

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM library).
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

const PHONE = "13912345678";
const MASKED_PHONE = "139****5678";
const SUNSHINE = "990102P011"; // 阳光小区 in intents/regions.yaml
const ALERT_ID = "alert-test-water";
const ALERT_LABEL = "阳光小区停水";

/** Nine messages about one water outage today (one with a phone number), three thanks, two about transport. */
const WATER = [
  `东湖区阳光小区停水一整天了，到现在还没来水，太不像话了！联系电话${PHONE}`,
  "阳光小区又停水了，老人孩子都没法做饭，什么时候能恢复？",
  "阳光小区停水没有任何通知，物业也不管，太气人了",
  "请问阳光小区停水是什么原因？家里一点水都没有",
  "阳光小区自来水停了快十个小时，真的很着急",
  "阳光小区供水什么时候恢复，老人等着用水",
  "东湖区阳光小区停水，打电话没人接，非常不满意",
  "阳光小区停水停到现在，希望尽快抢修",
  "阳光小区家里停水，洗不了澡也做不了饭，太糟糕了",
];
const THANKS = [
  "感谢市民服务中心的工作人员，办事很快，态度很好",
  "谢谢社区网格员，帮我们解决了大问题",
  "点赞12345热线，回复及时",
];
const BUSES = ["南湖区的公交车太少了，等了四十分钟", "高铁南站的出租车拒载，希望管一管"];
const CHANNELS = ["webchat", "wechat", "weibo"];

describe("民意洞察 (the public-opinion dashboard) in a browser", () => {
  let wb: WorkbenchBrowser;
  let t: TestHub;
  let recorder: OpinionRecorder;
  let ticketNumber: string;
  const rows: OpinionRow[] = [];
  const started = Date.now();
  /** The topic the monitor put the outage's first message in, as stored. */
  let topic: { id: string; label: string; keywords: string[]; messageCount: number };

  /** Once every stored message has its topic: the topic of the message with this source id. */
  const topicOf = async (sourceId: string) => {
    const prisma = t.hub.db.prisma;
    await eventually(
      async () => ((await prisma.opinionMessage.count({ where: { topicId: null } })) === 0 ? true : undefined),
      60_000,
      250,
    );
    const message = await prisma.opinionMessage.findFirstOrThrow({ where: { sourceKind: "message", sourceId } });
    return prisma.opinionTopic.findUniqueOrThrow({ where: { id: message.topicId! } });
  };

  /** Rows as the hub's worker stores them: masked and analysed by the recorder. */
  const analysed = (texts: string[], prefix: string, minutesAgo: (i: number) => number) =>
    texts.map((text, i) =>
      recorder.row({
        sourceKind: "message",
        sourceId: `${prefix}-${i}`,
        channel: CHANNELS[i % CHANNELS.length]!,
        at: new Date(started - minutesAgo(i) * 60_000),
        text,
      }),
    );

  beforeAll(async () => {
    wb = await startWorkbenchBrowser([
      { username: "yq.wang", role: "analyst", displayName: "王舆情" },
      { username: "cg.zhang", role: "staff", departmentCode: "CG", displayName: "张伟" },
    ]);
    t = wb.t;
    recorder = await loadOpinionRecorder(t.hub.config.intentsDir);
    const ticket = await fileAndRoute(t.hub, "东湖区阳光小区停水一整天了，请尽快恢复供水");
    ticketNumber = ticket.number;

    const water = analysed(WATER, "water", (i) => 20 + i * 12);
    water[0]!.ticketNumber = ticketNumber; // the message that became the ticket
    // The rest on the days before (all within the default period, the last 7 days).
    rows.push(
      ...water,
      ...analysed(THANKS, "thanks", (i) => (i + 1) * 1440 + 30),
      ...analysed(BUSES, "bus", (i) => (i + 4) * 1440 - 60),
    );
    expect(await storeOpinionRows(t.hub.db.sql, rows)).toBe(rows.length);

    // The hub's monitor (started with the workers) clusters the stored messages into topics.
    topic = await topicOf("water-0");

    // An alert needs weeks of baseline the test has not got: written as the monitor writes one.
    const prisma = t.hub.db.prisma;
    const times = water.map((r) => r.at.getTime());
    const stored = await prisma.opinionMessage.findMany({
      where: { sourceId: { in: water.map((r) => r.sourceId) } },
      orderBy: { at: "desc" }, // the latest first, as the monitor keeps them
    });
    await prisma.opinionAlert.create({
      data: {
        id: ALERT_ID,
        status: "open",
        level: "严重",
        label: ALERT_LABEL,
        series: [`place:${SUNSHINE}`, "keyword:停水"],
        keywords: ["停水", "供水"],
        places: [SUNSHINE],
        channels: CHANNELS,
        messageCount: water.length,
        expected: 1.5,
        score: 21.4,
        firstAt: new Date(Math.min(...times)),
        detectedAt: new Date(Math.max(...times) - 30 * 60_000),
        updatedAt: new Date(Math.max(...times)),
        topicId: topic.id,
        ticketNumbers: [ticketNumber],
        samples: stored
          .slice(0, 3)
          .map((m) => ({ id: m.id, text: m.text, at: m.at.toISOString(), channel: m.channel })),
        messages: { create: stored.map((m) => ({ messageId: m.id })) },
      },
    });
  }, 600_000);

  afterAll(async () => {
    await wb?.close();
  });

  const shot = async (page: Page, name: string) => {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(wb.screenshots, name), fullPage: true });
  };
  /** Nothing a citizen wrote in clear: the page's text and markup hold the masked number only. */
  const noClearPhone = async (page: Page) => {
    expect(await page.content()).not.toContain(PHONE);
  };
  const analyst = async (width?: number, height?: number) => {
    const opened = await wb.newPage(width, height);
    await wb.logIn(opened.page, "yq.wang");
    return opened;
  };
  const count = (filter: (r: OpinionRow) => boolean) => rows.filter(filter).length;

  it("概览: totals by sentiment and channel, top topic, top place and the open alert; it fills as messages arrive", async () => {
    const { context, page, errors } = await analyst();
    await page.clock.install(); // the 30-second refresh, run on demand below
    await page.getByRole("link", { name: "民意洞察" }).click();
    await page.getByRole("heading", { name: /民意洞察/ }).waitFor();
    const total = page.locator(".stat", { hasText: "群众声音" }).locator(".stat-value");
    await expect.poll(() => total.textContent()).toBe(`${rows.length} 条`);
    const negative = count((r) => r.sentiment === "negative");
    expect(await page.locator(".stat", { hasText: "负面" }).locator(".stat-value").textContent()).toBe(
      `${negative} 条`,
    );
    const sentiments = page.getByRole("list", { name: "按情感" });
    expect(await sentiments.locator("li", { hasText: "负面" }).locator(".bar-value").textContent()).toContain(
      `${negative} 条`,
    );
    const channels = page.getByRole("list", { name: "按渠道" });
    expect(await channels.locator("li", { hasText: "微信" }).locator(".bar-value").textContent()).toContain(
      `${count((r) => r.channel === "wechat")} 条`,
    );
    await page.locator(".topic-list").getByRole("link", { name: topic.label }).waitFor();
    const alert = page.locator(".alert-list li", { hasText: ALERT_LABEL });
    expect(await alert.locator(".level").textContent()).toBe("严重");
    expect(await alert.textContent()).toContain(`${WATER.length} 条（通常约 1.5 条）`);
    const places = page.getByRole("list", { name: "按区域" });
    expect(await places.locator("li", { hasText: "阳光小区" }).locator(".bar-value").textContent()).toContain(
      `${count((r) => r.places.includes(SUNSHINE))} 条`,
    );
    expect(await wb.seriousViolations(page)).toEqual([]);
    await noClearPhone(page);
    await shot(page, "opinion-overview-desktop.png");

    // Two more messages arrive; the next refresh shows them without a reload.
    const more = analysed(["阳光小区还是没有水，已经第二天了", "感谢供水公司连夜抢修"], "later", () => 1);
    expect(await storeOpinionRows(t.hub.db.sql, more)).toBe(2);
    rows.push(...more);
    await page.clock.runFor(31_000);
    await expect.poll(() => total.textContent(), { timeout: 10_000 }).toBe(`${rows.length} 条`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the daily briefing opens in a new window, and its links lead back to the dashboard", async () => {
    const { context, page, errors } = await analyst();
    await page.goto(`${wb.hubUrl}/workbench/opinion`);
    const popup = page.waitForEvent("popup");
    await page.getByRole("button", { name: /^舆情日报/ }).click();
    const briefing = await popup;
    await briefing.waitForURL(/^blob:/);
    await briefing
      .getByRole("heading", { name: /民意舆情日报/ })
      .first()
      .waitFor();
    expect(await briefing.content()).not.toContain(PHONE);
    // Its links are the site's (the <base> the page was given), and the new window has the session.
    await briefing.getByRole("link", { name: "查看全部预警" }).click();
    await briefing.waitForURL(/\/workbench\/opinion\/alerts/);
    await briefing.locator("li.alert", { hasText: ALERT_LABEL }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("话题 and its detail: figures, the linked ticket, masked messages, the CSV downloads", async () => {
    topic = await topicOf("water-0"); // with the messages stored since
    const { context, page, errors } = await analyst();
    await page.goto(`${wb.hubUrl}/workbench/opinion/topics`);
    const row = page.locator("table.topics tbody tr", { hasText: topic.label });
    await row.waitFor();
    expect(await row.locator('td[data-label="消息数"]').textContent()).toBe(`${topic.messageCount} 条`);
    const place = (await row.locator('td[data-label="区域"]').textContent())!.split("、")[0]!;
    expect(await row.getByRole("link", { name: ticketNumber }).count()).toBe(1);
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "opinion-topics-desktop.png");

    const csvDownload = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出话题 CSV" }).click();
    const csv = (await fs.readFile((await (await csvDownload).path())!, "utf8")).replace(/^\uFEFF/, "");
    expect(csv.split("\r\n")[0]).toContain("话题");
    expect(csv).toContain(topic.label);

    // Filters: a keyword, a place by the name a person types.
    await page.getByLabel("关键词").fill(topic.keywords[0]!);
    await page.getByLabel("区域").fill(place);
    await page.getByRole("button", { name: "筛选" }).click();
    await page.waitForURL(/keyword=/);
    await row.waitFor();
    await page.getByLabel("区域").fill("西山区");
    await page.getByRole("button", { name: "筛选" }).click();
    await page.getByText("该期间没有符合条件的话题。").waitFor();
    await page.getByRole("link", { name: "清除筛选" }).click();
    await row.waitFor();

    await page.getByRole("link", { name: topic.label }).click();
    await page.getByRole("heading", { name: topic.label }).waitFor();
    const facts = page.locator("dl.facts");
    expect(await facts.locator("div", { hasText: "消息数" }).locator("dd").textContent()).toBe(
      `${topic.messageCount} 条`,
    );
    expect(await facts.locator("div", { hasText: "关键词" }).locator("dd").textContent()).toBe(
      topic.keywords.join("、"),
    );
    const messages = page.locator(".opinion-messages li");
    await expect.poll(() => messages.count()).toBe(Math.min(20, topic.messageCount));
    expect(await page.locator(".opinion-messages").textContent()).toContain(MASKED_PHONE);
    await noClearPhone(page);
    // The timeline's table holds every message of the topic.
    await page.getByText("查看数据").click();
    const totals = await page.locator("table.data tbody tr td:last-child").allTextContents();
    expect(totals.reduce((n, v) => n + Number(v), 0)).toBe(topic.messageCount);
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "opinion-topic-desktop.png");

    const messagesDownload = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出消息 CSV" }).click();
    const messagesCsv = await fs.readFile((await (await messagesDownload).path())!, "utf8");
    expect(messagesCsv).toContain(MASKED_PHONE);
    expect(messagesCsv).not.toContain(PHONE);

    // The ticket the topic became opens on the ticket page.
    await page.locator("dl.facts").getByRole("link", { name: ticketNumber }).click();
    await page.getByRole("heading", { name: `工单 ${ticketNumber}` }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("趋势: the chart for each grouping, and its table adds up to the period's messages", async () => {
    const { context, page, errors } = await analyst();
    await page.goto(`${wb.hubUrl}/workbench/opinion/trends`);
    await page.locator(".svg-chart svg").waitFor();
    const sumOfTable = async () => {
      const cells = await page.locator("table.data tbody tr td:last-child").allTextContents();
      return cells.reduce((n, v) => n + Number(v), 0);
    };
    await page.getByText("查看数据").click();
    expect(await sumOfTable()).toBe(rows.length); // by sentiment: each message once
    expect(await page.locator(".legend").textContent()).toContain("负面");
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "opinion-trends-desktop.png");

    await page.getByLabel("分类方式").selectOption("channel");
    await page.waitForURL(/by=channel/);
    await page.locator(".legend", { hasText: "微信" }).waitFor();
    await page.getByText("查看数据").click();
    expect(await sumOfTable()).toBe(rows.length); // by channel: each message once too
    await page.getByLabel("时间粒度").selectOption("hour");
    await page.waitForURL(/bucket=hour/);
    await page.locator(".svg-chart svg").waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("区域: a table of the places named, with counts and negative share; a place opens its topics", async () => {
    const { context, page, errors } = await analyst();
    await page.goto(`${wb.hubUrl}/workbench/opinion/places`);
    const row = page.locator("table.places tbody tr", { hasText: "阳光小区" });
    await row.waitFor();
    const named = rows.filter((r) => r.places.includes(SUNSHINE));
    expect(await row.locator('td[data-label="消息数"]').textContent()).toBe(`${named.length} 条`);
    const negative = named.filter((r) => r.sentiment === "negative").length;
    expect(await row.locator('td[data-label="负面占比"]').textContent()).toBe(
      `${Math.round((negative / named.length) * 100)}%`,
    );
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "opinion-places-desktop.png");
    await row.getByRole("link", { name: "查看相关话题" }).click();
    await page.locator("table.topics tbody tr", { hasText: topic.label }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("预警: level, count against the usual, first seen, detected, masked samples, its topic", async () => {
    const { context, page, errors } = await analyst();
    await page.goto(`${wb.hubUrl}/workbench/opinion/alerts`);
    const alert = page.locator("li.alert", { hasText: ALERT_LABEL });
    await alert.waitFor();
    expect(await alert.locator(".level").textContent()).toBe("严重");
    const facts = alert.locator("dl.facts");
    expect(await facts.locator("div", { hasText: "消息数" }).locator("dd").textContent()).toContain(
      `${WATER.length} 条，通常约 1.5 条`,
    );
    expect(await facts.locator("div", { hasText: "区域" }).locator("dd").textContent()).toBe("阳光小区");
    expect(await facts.locator("div", { hasText: "首次出现" }).locator("dd").textContent()).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    expect(await alert.locator(".samples li").count()).toBe(3);
    expect(await alert.locator(".samples").textContent()).toContain(MASKED_PHONE);
    await noClearPhone(page);
    expect(await wb.seriousViolations(page)).toEqual([]);
    await shot(page, "opinion-alerts-desktop.png");
    await alert.getByRole("link", { name: "查看相关话题" }).click();
    await page.getByRole("heading", { name: topic.label }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it("on a phone: the overview, a topic and the alerts fit the width and pass axe", async () => {
    const { context, page, errors } = await analyst(390, 844);
    for (const [url, name, ready] of [
      ["opinion", "opinion-overview-phone.png", ".stats"],
      [`opinion/topics/${topic.id}`, "opinion-topic-phone.png", ".opinion-messages"],
      ["opinion/alerts", "opinion-alerts-phone.png", "li.alert"],
    ] as const) {
      await page.goto(`${wb.hubUrl}/workbench/${url}`);
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => {
        const root = document.documentElement;
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
      });
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth);
      expect(await wb.seriousViolations(page)).toEqual([]);
      await noClearPhone(page);
      await shot(page, name);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it("department staff: no 民意洞察 in the navigation, and the server's refusal at its address", async () => {
    const { context, page, errors } = await wb.newPage();
    await wb.logIn(page, "cg.zhang");
    await page.getByRole("link", { name: "统计" }).waitFor();
    expect(await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "民意洞察" }).count()).toBe(
      0,
    );
    await page.goto(`${wb.hubUrl}/workbench/opinion`);
    await page.getByRole("alert").filter({ hasText: "民意洞察仅向" }).waitFor();
    expect(await page.locator(".stats").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
