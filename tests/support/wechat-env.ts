// A hub with the WeChat connector on, pointed at a fake WeChat API on loopback.
import { FakeWechatApi } from "../../connectors/wechat/testing/fake-wechat-api.ts";
import { WechatPlatform } from "../../connectors/wechat/testing/wechat-platform.ts";
import type { WechatMode } from "../../connectors/wechat/wechat-envelope.ts";
import type { XmlElement } from "../../connectors/wechat/wechat-xml.ts";
import { type ChannelHub, type ChannelHubOptions, startChannelHub } from "./channel-env.ts";
import type { Backend } from "./test-env.ts";

export const WECHAT = {
  token: "QDG6eK",
  appId: "wx5823bf96d3bd56c7",
  appSecret: "test-app-secret",
  encodingAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
};

/** The settings that turn the connector on, against the API at `apiBase`. */
export function wechatSettings(apiBase: string): Record<string, string> {
  return {
    WECHAT_TOKEN: WECHAT.token,
    WECHAT_APP_ID: WECHAT.appId,
    WECHAT_APP_SECRET: WECHAT.appSecret,
    WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
    WECHAT_API_BASE: apiBase,
  };
}

export interface WechatTestEnv extends ChannelHub {
  api: FakeWechatApi;
  platform: WechatPlatform;
  /** Posts a push as WeChat would; returns the status and the opened reply (undefined for `success`). */
  send(
    mode: WechatMode,
    openid: string,
    fields: Record<string, string | number>,
    createTime?: number,
  ): Promise<{ status: number; body: string; reply?: XmlElement }>;
}

export async function startWechatEnv(
  backend: Backend,
  options: ChannelHubOptions & { api?: FakeWechatApi } = {},
): Promise<WechatTestEnv> {
  // A fake API handed in is shared with other hubs, and its owner stops it.
  const api = options.api ?? new FakeWechatApi(WECHAT.appId, WECHAT.appSecret);
  const apiBase = options.api ? options.api.url : await api.start();
  const hub = await startChannelHub(backend, wechatSettings(apiBase), options);
  const platform = new WechatPlatform(WECHAT);
  return {
    ...hub,
    api,
    platform,
    async send(mode, openid, fields, createTime) {
      const push = platform.push(mode, openid, fields, createTime);
      const response = await hub.app.inject({
        method: "POST",
        url: push.url,
        payload: push.body,
        headers: { "content-type": "text/xml" },
      });
      return {
        status: response.statusCode,
        body: response.body,
        reply: response.statusCode === 200 ? platform.openReply(mode, response.body) : undefined,
      };
    },
    async close() {
      await hub.close();
      if (!options.api) await api.stop();
    },
  };
}
