// WeChat as a channel of the hub (the ChannelModule port): its config section, its
// endpoint, its sender and its handler of pushes queued under load.
import { type ChannelModule, httpPlugin } from "../shared/channel-module.ts";
import type { SharedPushServices } from "../shared/push-services.ts";
import { loadWechatConfig, type WechatConfig } from "./wechat-config.ts";
import { createWechatConnector } from "./wechat-connector.ts";
import { wechatPlugin } from "./wechat-plugin.ts";

export function wechatChannel(push: SharedPushServices): ChannelModule<WechatConfig> {
  return {
    name: "wechat",
    loadConfig: loadWechatConfig,
    async create(deps, settings) {
      // Off: the endpoint stays, and says which settings turn it on.
      if (!settings) return { name: "wechat", routes: [httpPlugin(wechatPlugin, { connector: undefined })] };
      const { responder, guard } = await push.acquire(deps);
      const connector = createWechatConnector({
        config: settings,
        redis: deps.redis,
        prefix: deps.config.queuePrefix,
        log: deps.log,
        responder,
        guard,
      });
      return {
        name: "wechat",
        routes: [httpPlugin(wechatPlugin, { connector })],
        sender: connector.sender,
        templateMessages: connector.templates,
        inbound: responder,
        close: () => push.release(),
      };
    },
  };
}
