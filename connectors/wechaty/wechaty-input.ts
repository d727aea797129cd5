// A community-group message (WechatyIncoming) → the channels' normalized ChannelInput,
// or undefined when the bot should stay silent. Groups: an addressed text (group-addressing.ts),
// and photos or locations from a member who addressed the bot lately (evidence for their
// ticket); nothing else. Private chats: everything. The message id is Wechaty's, so a
// repeated delivery of one message is one message for the hub.
import type { ChannelAction, ChannelInput } from "../../src/messages/channel-input.ts";
import type { KnownPlace } from "../../src/messages/known-place.ts";
import { addressedGroupText } from "./group-addressing.ts";
import { citizenId } from "./wechaty-citizen.ts";
import type { WechatyIncoming } from "./wechaty-incoming.ts";

export const WECHATY_CHANNEL = "wechaty";

export interface InputContext {
  keywords: readonly string[];
  /** The group's place (WECHATY_GROUP_PLACES), carried to a ticket filed from it. */
  place?: KnownPlace | undefined;
  /** The member addressed the bot in this group within the evidence window. */
  recentlyAddressed: boolean;
}

export interface WechatyInput {
  input: ChannelInput;
  /** A group message that addressed the bot (the member's photos are evidence for a while). */
  addressed: boolean;
}

export function wechatyInput(message: WechatyIncoming, context: InputContext): WechatyInput | undefined {
  const { room } = message;
  const action = room ? groupAction(message, context) : privateAction(message);
  if (!action) return undefined;
  const input: ChannelInput = {
    channel: WECHATY_CHANNEL,
    channelUserId: citizenId(
      room
        ? { kind: "group", roomId: room.id, contactId: message.talker.id }
        : { kind: "private", contactId: message.talker.id },
    ),
    channelMessageId: message.id,
    receivedAt: message.at,
    action,
    raw: {
      id: message.id,
      kind: message.kind,
      text: message.text,
      talker: message.talker,
      ...(room && { room }),
      ...(message.location && { location: message.location }),
    },
    ...(room && context.place && { place: context.place }),
  };
  return { input, addressed: !!room && action.type === "text" };
}

function groupAction(message: WechatyIncoming, context: InputContext): ChannelAction | undefined {
  if (message.kind === "text") {
    const said = addressedGroupText(message, context.keywords);
    if (said === undefined) return undefined;
    // A bare @: a greeting, answered with what the bot can do.
    return { type: "text", text: said || "你好" };
  }
  if (!context.recentlyAddressed) return undefined;
  if (message.kind === "image" || message.kind === "video" || message.kind === "location")
    return privateAction(message);
  return undefined;
}

function privateAction(message: WechatyIncoming): ChannelAction {
  switch (message.kind) {
    case "text":
      return message.text.trim() ? { type: "text", text: message.text } : { type: "unsupported", what: "空消息" };
    case "image":
    case "video":
      return { type: "media", media: message.kind, mediaId: message.id };
    case "audio":
      return { type: "voice" };
    case "location":
      return message.location ? { type: "location", ...message.location } : { type: "unsupported", what: "位置" };
    case "url":
      return message.url ? { type: "link", ...message.url } : { type: "unsupported", what: "链接" };
    case "other":
      return { type: "unsupported", what: message.what ?? "消息" };
  }
}
