// A hub with the Weibo connector on, pointed at a fake Weibo API on loopback.
import { FakeWeiboApi } from "../../connectors/weibo/testing/fake-weibo-api.ts";
import { WeiboPlatform } from "../../connectors/weibo/testing/weibo-platform.ts";
import type { WeiboChannel } from "../../connectors/weibo/weibo-channel.ts";
import type { WeiboConnector } from "../../connectors/weibo/weibo-connector.ts";
import type { Hub } from "../../src/hub.ts";
import { type ChannelHub, type ChannelHubOptions, startChannelHub } from "./channel-env.ts";
import type { Backend } from "./test-env.ts";

export const WEIBO = { appSecret: "xyz123xyz", accessToken: "2.00weibo-test-token", uid: "1902538057" };

/** The hub's Weibo connector (its pollers …); the hub must have Weibo on. */
export function weiboConnector(hub: Hub): WeiboConnector {
  const connector = (hub.channels.get("weibo") as WeiboChannel | undefined)?.connector;
  if (!connector) throw new Error("Weibo is off in this hub");
  return connector;
}

export interface WeiboTestEnv extends ChannelHub {
  api: FakeWeiboApi;
  platform: WeiboPlatform;
  push(body: unknown): Promise<{ status: number; body: string; text?: string }>;
}

export async function startWeiboEnv(backend: Backend, options: ChannelHubOptions = {}): Promise<WeiboTestEnv> {
  const api = new FakeWeiboApi(WEIBO.accessToken);
  const base = await api.start();
  const hub = await startChannelHub(
    backend,
    {
      WEIBO_APP_SECRET: WEIBO.appSecret,
      WEIBO_ACCESS_TOKEN: WEIBO.accessToken,
      WEIBO_UID: WEIBO.uid,
      WEIBO_API_BASE: base,
      WEIBO_MESSAGE_API_BASE: base,
      // Long enough that only the first scheduled poll runs during a test file.
      WEIBO_POLL_INTERVAL_MS: "3600000",
    },
    options,
  );
  const platform = new WeiboPlatform(WEIBO.appSecret, WEIBO.uid);
  return {
    ...hub,
    api,
    platform,
    async push(body) {
      const response = await hub.app.inject({ method: "POST", url: platform.signedUrl(), payload: body as object });
      let text: string | undefined;
      if (response.statusCode === 200 && response.body) {
        const reply = response.json() as { data: string };
        text = (JSON.parse(decodeURIComponent(reply.data)) as { text: string }).text;
      }
      return { status: response.statusCode, body: response.body, text };
    },
    async close() {
      await hub.close();
      await api.stop();
    },
  };
}
