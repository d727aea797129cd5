// The conversation of a messaging channel (WeChat, Weibo private messages, community
// groups) built from what the hub gives every channel: one per hub process for the push
// channels (push-services.ts), one for the community-group bot's process.
import type { ChannelDeps } from "./channel-module.ts";
import { ChannelConversation } from "../../src/conversation/channel-conversation.ts";
import { PopularItems } from "../../src/conversation/popular-items.ts";

export function messagingConversation(deps: ChannelDeps): ChannelConversation {
  const { config } = deps;
  return new ChannelConversation({
    prisma: deps.prisma,
    pipeline: deps.pipeline,
    catalog: deps.catalog,
    menu: deps.menu,
    popular: new PopularItems(deps.prisma, deps.catalog, () => deps.menu().itemCodes()),
    hotline: config.hotline,
    timeZone: config.timeZone,
    supplements: deps.supplements,
    evidenceWindowMs: config.complaintEvidenceWindowMs,
  });
}
