// What a citizen did on a messaging channel (WeChat, Weibo private messages), in one
// shape: each connector maps its platform's wire format here, and ChannelConversation
// decides the answer. Text goes on to the conversation pipeline; the rest — photos,
// locations, follows, menu clicks — is a channel's own business.
import type { KnownPlace } from "./known-place.ts";
import type { Channel } from "./messages.ts";

export type ChannelAction =
  | { type: "text"; text: string }
  /** A voice message; `recognition` is the platform's transcript when it made one. */
  | { type: "voice"; recognition?: string }
  | { type: "media"; media: "image" | "video"; mediaId?: string; url?: string }
  | { type: "location"; latitude: number; longitude: number; label?: string; scale?: number }
  | { type: "link"; title: string; description: string; url: string }
  /** Followed the account (first time, or again after unfollowing); `scene` when via a QR code. */
  | { type: "follow"; scene?: string }
  /** A follower scanned one of the account's QR codes. */
  | { type: "scan"; scene?: string }
  | { type: "unfollow" }
  /** Tapped a custom-menu button of type click. */
  | { type: "menu"; key: string }
  /** A message type the hub has no answer for (file, sticker …): it says so politely. */
  | { type: "unsupported"; what: string };

export interface ChannelInput {
  channel: Channel;
  channelUserId: string;
  /** Unique per platform message or event; every retry of it carries the same one. */
  channelMessageId: string;
  /** The platform's time for the message, so retries are stamped alike. */
  receivedAt: Date;
  action: ChannelAction;
  /** The decoded wire message, kept with the record. */
  raw: unknown;
  /** Where the channel knows the citizen is (a community group's place). */
  place?: KnownPlace;
}
