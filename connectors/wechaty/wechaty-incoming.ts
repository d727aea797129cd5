// One message as the bot received it, in our own plain shape: the only place a Wechaty
// message object is read (toIncoming, in the bot process). Everything after this —
// addressing, normalization, the conversation — sees this shape or ChannelInput, never
// Wechaty's types. The Wechaty side is typed structurally, so this file loads nothing.

export type IncomingKind = "text" | "image" | "video" | "audio" | "location" | "url" | "other";

export interface WechatyIncoming {
  id: string;
  kind: IncomingKind;
  /** For "other": what it was (表情, 文件 …), for the record. */
  what?: string;
  /** The text; in a group without the @-mentions (Wechaty's mentionText). */
  text: string;
  talker: { id: string; name: string };
  /** Set for a group message. */
  room?: { id: string; topic: string };
  /** The bot was @-mentioned. */
  mentionsSelf: boolean;
  at: Date;
  location?: { latitude: number; longitude: number; label?: string };
  url?: { title: string; description: string; url: string };
}

/**
 * Wechaty's message type numbers (wechaty-puppet's types.Message, stable across 1.x;
 * tests/wechaty-normalize.test.ts checks them against the installed package).
 */
export const WECHATY_MESSAGE_TYPES = {
  Attachment: 1,
  Audio: 2,
  Contact: 3,
  Emoticon: 5,
  Image: 6,
  Text: 7,
  Location: 8,
  MiniProgram: 9,
  Url: 14,
  Video: 15,
} as const;

/** The part of a Wechaty message object the bot reads. */
export interface WechatyMessageLike {
  id: string;
  type(): number;
  text(): string;
  self(): boolean;
  date(): Date;
  talker(): { id: string; name(): string };
  room(): { id: string; topic(): Promise<string> } | undefined;
  mentionSelf(): Promise<boolean>;
  mentionText(): Promise<string>;
  toUrlLink(): Promise<{ title(): string; description(): string | undefined; url(): string }>;
  /**
   * The puppet, for the location: Wechaty 1.20's Message.toLocation() builds its Location
   * class directly and throws ("can not be instantiated directly"), so the payload is read from the puppet.
   */
  wechaty: {
    puppet: {
      messageLocation(
        messageId: string,
      ): Promise<{ latitude: number; longitude: number; name?: string; address?: string }>;
    };
  };
}

const OTHER_NAMES: Record<number, string> = {
  [WECHATY_MESSAGE_TYPES.Attachment]: "文件",
  [WECHATY_MESSAGE_TYPES.Contact]: "名片",
  [WECHATY_MESSAGE_TYPES.Emoticon]: "表情",
  [WECHATY_MESSAGE_TYPES.MiniProgram]: "小程序",
};

/** Reads a Wechaty message into our shape; undefined for the bot's own messages. */
export async function toIncoming(message: WechatyMessageLike): Promise<WechatyIncoming | undefined> {
  if (message.self()) return undefined;
  const talker = message.talker();
  const room = message.room();
  const type = message.type();
  const base = {
    id: message.id,
    talker: { id: talker.id, name: talker.name() },
    ...(room && { room: { id: room.id, topic: await room.topic() } }),
    mentionsSelf: room ? await message.mentionSelf() : false,
    at: message.date(),
  };
  switch (type) {
    case WECHATY_MESSAGE_TYPES.Text:
      return { ...base, kind: "text", text: room ? await message.mentionText() : message.text() };
    case WECHATY_MESSAGE_TYPES.Image:
      return { ...base, kind: "image", text: "" };
    case WECHATY_MESSAGE_TYPES.Video:
      return { ...base, kind: "video", text: "" };
    case WECHATY_MESSAGE_TYPES.Audio:
      return { ...base, kind: "audio", text: "" };
    case WECHATY_MESSAGE_TYPES.Location: {
      const place = await message.wechaty.puppet.messageLocation(message.id);
      const label = place.name || place.address;
      return {
        ...base,
        kind: "location",
        text: "",
        location: { latitude: place.latitude, longitude: place.longitude, ...(label && { label }) },
      };
    }
    case WECHATY_MESSAGE_TYPES.Url: {
      const link = await message.toUrlLink();
      return {
        ...base,
        kind: "url",
        text: "",
        url: { title: link.title(), description: link.description() ?? "", url: link.url() },
      };
    }
    default:
      return { ...base, kind: "other", what: OTHER_NAMES[type] ?? `消息类型${type}`, text: message.text() };
  }
}
