// The hub's channels, in the order their routes are registered. The composition root
// iterates over this list and names no channel: adding a channel is one folder under
// connectors/ that implements the ChannelModule port, and one line here (docs/channels.md).
import type { ChannelModule } from "./shared/channel-module.ts";
import { SharedPushServices } from "./shared/push-services.ts";
import { webchatChannel } from "./webchat/webchat-channel.ts";
import { wechatChannel } from "./wechat/wechat-channel.ts";
import { wechatyChannel } from "./wechaty/wechaty-channel.ts";
import { weiboChannel } from "./weibo/weibo-channel.ts";

/** Fresh per hub: the push channels share one hub's PassiveReplies and conversation. */
export function channelModules(): ChannelModule[] {
  const push = new SharedPushServices();
  return [webchatChannel, wechatChannel(push), weiboChannel(push), wechatyChannel];
}
