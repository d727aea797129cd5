import { describe, expect, it } from "vitest";
import { channelModules } from "../connectors/index.ts";
import { ConfigError, loadConfig as loadCoreConfig } from "../src/config.ts";

/** The core settings and every channel's section, as the hub loads them. */
const loadConfig = (env: NodeJS.ProcessEnv) => loadCoreConfig(env, channelModules());

const WECHAT = {
  WECHAT_TOKEN: "AAAAA",
  WECHAT_APP_ID: "wxba5fad812f8e6fb9",
  WECHAT_APP_SECRET: "secret",
  WECHAT_ENCODING_AES_KEY: "A".repeat(43),
};
const WEIBO = { WEIBO_APP_SECRET: "xyz123xyz", WEIBO_ACCESS_TOKEN: "2.00abc", WEIBO_UID: "1902538057" };

describe("channel configuration", () => {
  it("leaves WeChat and Weibo off when nothing is set", () => {
    const config = loadConfig({});
    expect(config.channels.wechat).toBeUndefined();
    expect(config.channels.weibo).toBeUndefined();
    expect(config).toMatchObject({
      passiveReplyBudgetMs: 4000,
      passiveReplyMaxInFlight: 64,
      complaintEvidenceWindowMs: 3_600_000,
    });
  });

  it("turns them on with all their credentials, with the real APIs by default", () => {
    const config = loadConfig({ ...WECHAT, ...WEIBO, WECHAT_API_BASE: "" });
    expect(config.channels.wechat).toEqual({
      token: "AAAAA",
      appId: "wxba5fad812f8e6fb9",
      appSecret: "secret",
      encodingAesKey: "A".repeat(43),
      allowPlaintext: false,
      apiBase: "https://api.weixin.qq.com",
      templateId: undefined,
      templateTextKey: "content",
    });
    expect(config.channels.weibo).toMatchObject({
      uid: "1902538057",
      apiBase: "https://api.weibo.com/2",
      messageApiBase: "https://m.api.weibo.com/2",
      publicReply: false,
    });
  });

  it.each([
    ["WECHAT_ENCODING_AES_KEY", "A".repeat(42)],
    ["WECHAT_ENCODING_AES_KEY", "A".repeat(44)],
    ["WECHAT_ENCODING_AES_KEY", `${"A".repeat(42)}=`],
    ["WECHAT_APP_ID", "ba5fad812f8e6fb9"],
    ["WECHAT_TOKEN", "a b"],
    ["WECHAT_API_BASE", "not a url"],
    ["PASSIVE_REPLY_BUDGET_MS", "6000"],
    ["WEIBO_UID", "weibo-account"],
  ])("rejects %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ ...WECHAT, ...WEIBO, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...WECHAT, ...WEIBO, [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it("refuses half a channel, naming what is missing", () => {
    expect(() => loadConfig({ WECHAT_TOKEN: "AAAAA", WECHAT_APP_ID: "wxba5fad812f8e6fb9" })).toThrow(
      /WECHAT_APP_SECRET, WECHAT_ENCODING_AES_KEY: must be set too/,
    );
    expect(() => loadConfig({ WEIBO_UID: "1902538057" })).toThrow(
      /WEIBO_APP_SECRET, WEIBO_ACCESS_TOKEN: must be set too/,
    );
  });
});
