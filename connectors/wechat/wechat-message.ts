// WeChat's inbound message fields → the channels' normalized ChannelInput.
// Retries of a message share its MsgId; events have none, so they are keyed on
// FromUserName + CreateTime (+ the event, since one second can carry two events).
import type { ChannelAction, ChannelInput } from "../../src/messages/channel-input.ts";
import { textOf, type XmlElement } from "./wechat-xml.ts";

export class WechatMessageError extends Error {
  override name = "WechatMessageError";
}

/** The fields every WeChat message has. */
export interface WechatHeader {
  /** The account's original id (gh_…). */
  toUserName: string;
  /** The citizen's OpenID. */
  fromUserName: string;
  createTime: number;
  msgType: string;
}

export function wechatHeader(fields: XmlElement): WechatHeader {
  const toUserName = textOf(fields, "ToUserName")?.trim();
  const fromUserName = textOf(fields, "FromUserName")?.trim();
  const createTime = Number(textOf(fields, "CreateTime"));
  const msgType = textOf(fields, "MsgType")?.trim();
  if (!toUserName) throw new WechatMessageError("ToUserName is missing");
  if (!fromUserName || !/^[\w-]{1,64}$/.test(fromUserName))
    throw new WechatMessageError("FromUserName is missing or malformed");
  if (!Number.isSafeInteger(createTime) || createTime <= 0)
    throw new WechatMessageError("CreateTime is missing or not a number");
  if (!msgType) throw new WechatMessageError("MsgType is missing");
  return { toUserName, fromUserName, createTime, msgType };
}

/** The normalized input, or undefined for pushes that need neither a record nor an answer (LOCATION reports, VIEW …). */
export function wechatInput(fields: XmlElement): ChannelInput | undefined {
  const header = wechatHeader(fields);
  const action = header.msgType === "event" ? eventAction(fields) : messageAction(header.msgType, fields);
  if (!action) return undefined;
  const msgId = textOf(fields, "MsgId")?.trim();
  const event = textOf(fields, "Event")?.trim() ?? header.msgType;
  return {
    channel: "wechat",
    channelUserId: header.fromUserName,
    channelMessageId:
      msgId && header.msgType !== "event" ? msgId : `event:${header.fromUserName}:${header.createTime}:${event}`,
    receivedAt: new Date(header.createTime * 1000),
    action,
    raw: fields,
  };
}

function messageAction(msgType: string, fields: XmlElement): ChannelAction {
  const field = (name: string) => textOf(fields, name) ?? "";
  switch (msgType) {
    case "text":
      if (!field("Content").trim()) throw new WechatMessageError("Content is missing");
      return { type: "text", text: field("Content") };
    case "voice":
      return field("Recognition").trim()
        ? { type: "voice", recognition: field("Recognition").trim() }
        : { type: "voice" };
    case "image":
      return {
        type: "media",
        media: "image",
        mediaId: field("MediaId") || undefined,
        url: field("PicUrl") || undefined,
      };
    case "video":
    case "shortvideo":
      return { type: "media", media: "video", mediaId: field("MediaId") || undefined };
    case "location": {
      const latitude = Number(field("Location_X"));
      const longitude = Number(field("Location_Y"));
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
        throw new WechatMessageError("Location_X/Location_Y are not numbers");
      const scale = Number(field("Scale"));
      return {
        type: "location",
        latitude,
        longitude,
        label: field("Label") || undefined,
        scale: Number.isFinite(scale) ? scale : undefined,
      };
    }
    case "link":
      return { type: "link", title: field("Title"), description: field("Description"), url: field("Url") };
    default:
      return { type: "unsupported", what: msgType };
  }
}

function eventAction(fields: XmlElement): ChannelAction | undefined {
  const event = textOf(fields, "Event")?.trim();
  const key = textOf(fields, "EventKey")?.trim() ?? "";
  switch (event?.toLowerCase()) {
    case "subscribe":
      return key.startsWith("qrscene_") ? { type: "follow", scene: key.slice("qrscene_".length) } : { type: "follow" };
    case "scan":
      return { type: "scan", scene: key || undefined };
    case "unsubscribe":
      return { type: "unfollow" };
    case "click":
      if (!key) throw new WechatMessageError("EventKey is missing");
      return { type: "menu", key };
    case undefined:
    case "":
      throw new WechatMessageError("Event is missing");
    default:
      // LOCATION reports, VIEW (a menu link was opened) and newer events need no answer.
      return undefined;
  }
}
