// The one message shape every channel speaks to the rest of the system. A connector
// turns its platform's wire format into InboundMessage and renders ConversationOutcome.
import type { Facet } from "../knowledge/catalog-schema.ts";
import type { Decision, MessageKind } from "../language/understander.ts";
import type { KnownPlace } from "./known-place.ts";

/**
 * A channel's name ("webchat", "wechat" …). The one list of channels is connectors/index.ts:
 * a name is valid when a channel by that name is registered there (senders and inbound
 * handlers are looked up by it), so adding a channel edits nothing here.
 */
export type Channel = string;

export interface InboundMessage {
  channel: Channel;
  /** The citizen's id on that channel (openid, uid, web session id). */
  channelUserId: string;
  text: string;
  /** The platform's message id; retries of one message share it. */
  channelMessageId: string;
  receivedAt: Date;
  /** The wire payload as received, kept for the record. */
  raw?: unknown;
  /** Where the channel knows the message comes from (a community group's place); a ticket it files carries it. */
  place?: KnownPlace;
}

/** A suggested answer the citizen can tap instead of typing (e.g. clarification options). */
export interface QuickReply {
  /** What the button shows, e.g. "1. 居民身份证补领". */
  label: string;
  /** What is sent as the citizen's message when tapped, e.g. "1". */
  text: string;
}

export interface TextReply {
  type: "text";
  text: string;
  /** Offered answers; channels without buttons show them as numbered lines in the text. */
  quickReplies?: QuickReply[];
  /**
   * A whole guide's parts, for channels that can fold them (the web chat shows the title and
   * summary, with each section folded). `text` still holds all of it for the others.
   */
  guide?: ServiceGuide;
}

/** A service item's guide in parts: 材料, 流程, 时限, 收费, 地点, 网办. */
export interface ServiceGuide {
  title: string;
  /** One line: time limit, fee, whether it can be done online. */
  summary: string;
  sections: GuideSection[];
  /** What can be asked next. */
  hint: string;
}

export interface GuideSection {
  /** "所需材料", "办理流程" … */
  name: string;
  lines: string[];
  /** Numbered lines under the name (材料, 流程), not a value after it ("收费标准：免费"). */
  list: boolean;
}

export type Reply = TextReply;

export interface ConversationOutcome {
  replies: Reply[];
  understanding: {
    kind: MessageKind;
    serviceItem?: { code: string; name: string };
    confidence: number;
    /** For service questions: answered, asked which item was meant, or admitted not knowing. */
    decision?: Decision;
    /** The part of the item answered (materials, fee …), when the question asked for one. */
    facet?: Facet;
    /** The items offered when the decision is "clarify", in the order shown. */
    options?: { code: string; name: string }[];
  };
  ticket?: { number: string; status: string };
  /** True when this is a retry of a message already answered. */
  duplicate?: boolean;
}

/** The web chat's session token header: issued by web chat, also the key of its per-session rate limit. */
export const CHAT_SESSION_HEADER = "x-chat-session";
