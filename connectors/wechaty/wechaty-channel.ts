// The community-group channel (网格群, WeCom) as a channel of the hub (the ChannelModule
// port). In every process: its config section, the admins' status route, the sender that
// hands notices to the bot, and its /readyz check (degraded while the bot is logged out or
// not running). The bot itself runs in its own process (npm run wechaty → src/wechaty-bot.ts),
// which builds a Wechaty instance and calls startBot() with it.
import { type ChannelInstance, type ChannelModule, httpPlugin } from "../shared/channel-module.ts";
import { QueueNames } from "../../src/queue/queue-names.ts";
import { type WechatyBot, type WechatyBotDeps, startWechatyBot } from "./wechaty-bot.ts";
import { loadWechatyConfig, type WechatyConfig } from "./wechaty-config.ts";
import { WECHATY_CHANNEL } from "./wechaty-input.ts";
import { WechatySender } from "./wechaty-sender.ts";
import { BotStateStore } from "./wechaty-state.ts";
import { wechatyStatusPlugin } from "./wechaty-status-plugin.ts";

export interface WechatyChannel extends ChannelInstance {
  settings: WechatyConfig | undefined;
  /** Starts the bot in this process with a built Wechaty instance (the bot process, tests). */
  startBot(bot: WechatyBotDeps["bot"], session?: WechatyBotDeps["session"]): Promise<WechatyBot>;
}

export const wechatyChannel: ChannelModule<WechatyConfig> = {
  name: WECHATY_CHANNEL,
  loadConfig: loadWechatyConfig,
  create(deps, settings): WechatyChannel {
    const store = settings ? new BotStateStore(deps.redis, deps.config.queuePrefix) : undefined;
    const queue = deps.queues.get(QueueNames.wechatySend);
    const bots: WechatyBot[] = [];
    return {
      name: WECHATY_CHANNEL,
      settings,
      routes: [httpPlugin(wechatyStatusPlugin, { store, adminToken: deps.config.adminToken })],
      ...(settings && queue && { sender: new WechatySender(queue) }),
      ...(store && { degradedBecause: () => store.degradedBecause() }),
      async startBot(bot, session) {
        if (!settings) throw new Error("the community-group connector is off: set WECHATY_PUPPET");
        const started = await startWechatyBot({ hub: deps, settings, bot, ...(session && { session }) });
        bots.push(started);
        return started;
      },
      async close() {
        for (const bot of bots.splice(0)) await bot.close();
      },
    };
  },
};
