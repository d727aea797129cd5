import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadMenu, MENU_FILE } from "../src/knowledge/menu.ts";
import { FakeWechatApi } from "../connectors/wechat/testing/fake-wechat-api.ts";
import { AccessTokens } from "../connectors/wechat/wechat-access-token.ts";
import { WechatApi } from "../connectors/wechat/wechat-api.ts";
import { createWechatMenu, wechatMenu } from "../connectors/wechat/wechat-menu.ts";
import { WechatSender } from "../connectors/wechat/wechat-sender.ts";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";
import { CatalogError } from "../src/knowledge/load-catalog.ts";
import { createLogger } from "../src/logger.ts";
import { DeliveryError } from "../src/outbound/channel-sender.ts";
import { notify } from "../src/outbound/notifier.ts";
import { eventually, TEST_REDIS_URL, uniqueName } from "./support/test-env.ts";
import { startWechatEnv, WECHAT, type WechatTestEnv } from "./support/wechat-env.ts";

const log = createLogger("silent");
const root = path.resolve(import.meta.dirname, "..");
const openid = () => `o${randomUUID().replace(/-/g, "").slice(0, 27)}`;
const message = (channelUserId: string, text = "您反映的问题已受理。") => ({
  deliveryId: randomUUID(),
  channel: "wechat" as const,
  channelUserId,
  replies: [
    {
      type: "text" as const,
      text,
      quickReplies: [
        { label: "1. 查询进度", text: "1" },
        { label: "人工服务", text: "人工" },
      ],
    },
  ],
});

describe("WeChat access token and customer-service sends", () => {
  let fake: FakeWechatApi;
  let api: WechatApi;
  let redis: Redis[];
  let prefix: string;
  const tokensFor = (connection: Redis) =>
    new AccessTokens(connection, prefix, WECHAT.appId, () => api.fetchToken(WECHAT.appId, WECHAT.appSecret), log);

  beforeAll(async () => {
    fake = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
    api = new WechatApi(await fake.start());
    // Two connections stand for two processes sharing one Redis.
    redis = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
  });
  beforeEach(() => {
    prefix = uniqueName("wxtest");
    fake.templateIds.clear();
  });
  afterAll(async () => {
    redis.forEach((r) => r.disconnect());
    await fake.stop();
  });

  it("fetches one token for many concurrent callers in several processes, and shares it", async () => {
    fake.tokenDelayMs = 100;
    const before = fake.tokenFetches;
    try {
      const [a, b] = redis.map(tokensFor);
      const tokens = await Promise.all([
        ...Array.from({ length: 10 }, () => a!.get()),
        ...Array.from({ length: 10 }, () => b!.get()),
      ]);
      expect(new Set(tokens).size).toBe(1);
      expect(fake.tokenFetches - before).toBe(1);
      expect(await redis[0]!.ttl(`${prefix}:wechat:${WECHAT.appId}:access-token`)).toBeLessThanOrEqual(7200 - 300);
    } finally {
      fake.tokenDelayMs = 0;
    }
  });

  it.each([
    ["40001 (token invalid)", () => fake.revokeTokens()],
    ["42001 (token expired)", () => fake.expireTokens()],
  ])("on %s refreshes the token once and sends", async (_what, spoil) => {
    const sender = new WechatSender(api, tokensFor(redis[0]!), { templateId: undefined, templateTextKey: "content" });
    const user = openid();
    await sender.send(message(user)); // caches a token
    spoil();
    const before = fake.tokenFetches;
    await sender.send(message(user, "第二条"));
    expect(fake.tokenFetches - before).toBe(1);
    expect(fake.sent.filter((m) => m.touser === user).map((m) => m.content)).toEqual([
      "您反映的问题已受理。\n1. 查询进度\n2. 人工服务\n（回复序号即可）",
      "第二条\n1. 查询进度\n2. 人工服务\n（回复序号即可）",
    ]);
  });

  it("gives up after one refresh when the fresh token is refused too", async () => {
    const sender = new WechatSender(api, tokensFor(redis[0]!), { templateId: undefined, templateTextKey: "content" });
    fake.failNext("/cgi-bin/message/custom/send", 40001, "invalid credential");
    fake.failNext("/cgi-bin/message/custom/send", 40001, "invalid credential");
    const error = await sender.send(message(openid())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).kind).toBe("retry");
    expect((error as DeliveryError).message).toContain("40001");
  });

  it("outside the 48-hour window sends the configured template message instead", async () => {
    fake.templateIds.add("TPL-progress");
    const sender = new WechatSender(api, tokensFor(redis[0]!), {
      templateId: "TPL-progress",
      templateTextKey: "content",
    });
    const user = openid();
    fake.outsideWindow.add(user);
    await sender.send(message(user, "您的工单已办结。"));
    expect(fake.sent.filter((m) => m.touser === user)).toEqual([]);
    expect(fake.templates.filter((t) => t.touser === user)).toEqual([
      {
        touser: user,
        templateId: "TPL-progress",
        data: { content: { value: "您的工单已办结。\n1. 查询进度\n2. 人工服务\n（回复序号即可）" } },
        msgid: expect.any(Number),
      },
    ]);
  });

  it.each([
    [
      "outside the 48-hour window with no template",
      (user: string) => fake.outsideWindow.add(user),
      "undeliverable",
      "WECHAT_TEMPLATE_ID",
    ],
    ["to a citizen who unfollowed", (user: string) => fake.unfollowed.add(user), "undeliverable", "43004"],
    ["while WeChat is busy", () => fake.failNext("/cgi-bin/message/custom/send", -1), "retry", "-1"],
  ])("fails %s as %s", async (_what, arrange, kind, mentions) => {
    const sender = new WechatSender(api, tokensFor(redis[0]!), { templateId: undefined, templateTextKey: "content" });
    const user = openid();
    arrange(user);
    const error = (await sender.send(message(user)).catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain(mentions);
  });

  it("retries when the API cannot be reached", async () => {
    const unreachable = new WechatApi("http://127.0.0.1:9");
    const tokens = new AccessTokens(
      redis[0]!,
      prefix,
      WECHAT.appId,
      () => unreachable.fetchToken(WECHAT.appId, WECHAT.appSecret),
      log,
    );
    const error = (await new WechatSender(unreachable, tokens, { templateId: undefined, templateTextKey: "content" })
      .send(message(openid()))
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.kind).toBe("retry");
  });
});

describe("WeChat notices through the outbound queue", () => {
  let w: WechatTestEnv;
  beforeAll(async () => {
    w = await startWechatEnv("pglite", { env: { OUTBOUND_MAX_ATTEMPTS: "3" } });
  });
  afterAll(async () => {
    await w.close();
  });

  const notice = (user: string) =>
    w.t.hub.db.prisma.$transaction((tx) =>
      notify(tx, {
        channel: "wechat",
        channelUserId: user,
        reason: `test:${randomUUID()}`,
        replies: [{ type: "text", text: "您的工单已转交市城管局办理。" }],
      }),
    );
  const finished = (id: string) =>
    eventually(async () => {
      const delivery = await w.t.hub.db.prisma.delivery.findUnique({
        where: { id },
        include: { attempts: { orderBy: { attempt: "asc" } } },
      });
      return delivery && delivery.status !== "pending" ? delivery : undefined;
    }, 15_000);

  it("retries a busy WeChat with backoff, records each attempt and delivers", async () => {
    const user = openid();
    w.api.failNext("/cgi-bin/message/custom/send", -1, "system error");
    const delivery = await finished(await notice(user));
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(delivery.attempts[0]!.error).toContain("errcode -1");
    expect(w.api.sent.filter((m) => m.touser === user).map((m) => m.content)).toEqual(["您的工单已转交市城管局办理。"]);
  });

  it("records a notice outside the 48-hour window (no template) as undeliverable after one attempt", async () => {
    const user = openid();
    w.api.outsideWindow.add(user);
    const delivery = await finished(await notice(user));
    expect(delivery.status).toBe("undeliverable");
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]!.error).toContain("45015");
  });
});

describe("WeChat custom menu", () => {
  let fake: FakeWechatApi;
  let apiBase: string;
  beforeAll(async () => {
    fake = new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
    apiBase = await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("reads intents/wechat-menu.yaml: every key maps to a catalog item or an action", async () => {
    const catalog = await loadCatalog(path.join(root, "intents"));
    const menu = await loadMenu(path.join(root, "intents"), catalog);
    const json = wechatMenu(menu.file);
    expect(json.button.length).toBeLessThanOrEqual(3);
    const keys = json.button
      .flatMap((b) => ("sub_button" in b ? b.sub_button : [b]))
      .flatMap((b) => (b.type === "click" ? [b.key] : []));
    expect(keys).toContain("ACTION_COMPLAIN");
    expect(keys).toContain("ACTION_TICKET_STATUS");
    for (const key of keys) expect(menu.resolve(key), key).toBeDefined();
    expect(menu.resolve("ITEM_GA003")).toEqual({ itemCode: "GA003" });
    for (const code of menu.itemCodes())
      expect(
        catalog.items.some((i) => i.code === code),
        code,
      ).toBe(true);
  });

  it.each([
    ["an item that is not in the catalog", "buttons:\n  - { name: 办事, item: XX999 }\n", /no service item XX999/],
    ["four top-level buttons", `buttons:\n${"  - { name: 投诉, action: complain }\n".repeat(4)}`, /buttons/],
    [
      "a top-level name over 4 Chinese characters",
      "buttons:\n  - { name: 我要投诉建议, action: complain }\n",
      /at most 16 bytes/,
    ],
    ["an unknown action", "buttons:\n  - { name: 投诉, action: explode }\n", /buttons\.0/],
  ])("refuses a menu with %s, naming the file", async (_what, yaml, problem) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "menu-"));
    try {
      await fs.writeFile(path.join(dir, MENU_FILE), yaml);
      const catalog = await loadCatalog(path.join(root, "intents"));
      const error = await loadMenu(dir, catalog).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CatalogError);
      expect((error as Error).message).toContain(MENU_FILE);
      expect((error as Error).message).toMatch(problem);
    } finally {
      await fs.rm(dir, { recursive: true });
    }
  });

  it("creates the menu through menu/create", async () => {
    const catalog = await loadCatalog(path.join(root, "intents"));
    const menu = await loadMenu(path.join(root, "intents"), catalog);
    const api = new WechatApi(apiBase);
    const tokens = {
      withToken: async <T>(call: (token: string) => Promise<T>) =>
        call((await api.stableToken(WECHAT.appId, WECHAT.appSecret)).accessToken),
    };
    await createWechatMenu(api, tokens, menu.file);
    expect(fake.menus.at(-1)).toEqual(wechatMenu(menu.file));
  });

  it("`npm run wechat:menu` creates it from the command line", async () => {
    const before = fake.menus.length;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "connectors/wechat/create-menu-command.ts"],
      {
        cwd: root,
        env: {
          ...process.env,
          LOG_LEVEL: "silent",
          REDIS_URL: "",
          WECHAT_TOKEN: WECHAT.token,
          WECHAT_APP_ID: WECHAT.appId,
          WECHAT_APP_SECRET: WECHAT.appSecret,
          WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
          WECHAT_API_BASE: apiBase,
        },
      },
    );
    expect(stdout).toContain("公众号菜单已创建");
    expect(fake.menus.length).toBe(before + 1);
  });
});
