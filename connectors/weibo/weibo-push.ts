// Weibo fan-service pushes (JSON) → the channels' normalized input. Private messages
// and events become a ChannelInput; an @-mention is a public post. Pushes carry no
// message id, so retries are recognized by sender, time and content.
import { createHash } from "node:crypto";
import type { ChannelAction, ChannelInput } from "../../src/messages/channel-input.ts";
import { parseWeiboDate } from "./weibo-date.ts";
import type { PublicPost } from "./weibo-public-post.ts";

export interface WeiboPush {
  type: string;
  receiver_id: number | string;
  sender_id: number | string;
  created_at: string;
  text?: string;
  data?: unknown;
}

export const weiboPushSchema = {
  type: "object",
  required: ["type", "receiver_id", "sender_id", "created_at"],
  properties: {
    type: { type: "string", minLength: 1, maxLength: 32 },
    receiver_id: {
      anyOf: [
        { type: "integer", minimum: 1 },
        { type: "string", pattern: "^\\d{1,19}$" },
      ],
    },
    sender_id: {
      anyOf: [
        { type: "integer", minimum: 1 },
        { type: "string", pattern: "^\\d{1,19}$" },
      ],
    },
    created_at: { type: "string", maxLength: 64 },
    text: { type: "string", maxLength: 10_000 },
    data: {},
  },
} as const;

export class WeiboPushError extends Error {
  override name = "WeiboPushError";
}

export type ReadPush =
  | { kind: "message"; input: ChannelInput }
  | { kind: "post"; post: PublicPost }
  | { kind: "ignored" };

export function readWeiboPush(push: WeiboPush): ReadPush {
  const createdAt = parseWeiboDate(push.created_at);
  if (!createdAt) throw new WeiboPushError(`created_at "${push.created_at}" is not a Weibo time`);
  const sender = String(push.sender_id);
  const text = push.text ?? "";
  if (push.type === "mention")
    return { kind: "post", post: { kind: "mention", uid: sender, text, createdAt, raw: push } };
  const action = actionOf(push, text);
  if (!action) return { kind: "ignored" };
  const hash = createHash("sha1")
    .update(`${push.type}\u0000${text}\u0000${JSON.stringify(push.data ?? null)}`)
    .digest("hex")
    .slice(0, 16);
  return {
    kind: "message",
    input: {
      channel: "weibo",
      channelUserId: sender,
      channelMessageId: `dm:${sender}:${Math.floor(createdAt.getTime() / 1000)}:${hash}`,
      receivedAt: createdAt,
      action,
      raw: push,
    },
  };
}

function actionOf(push: WeiboPush, text: string): ChannelAction | undefined {
  const data = (push.data && typeof push.data === "object" ? push.data : {}) as Record<string, unknown>;
  const str = (name: string) =>
    typeof data[name] === "string" || typeof data[name] === "number" ? String(data[name]) : undefined;
  switch (push.type) {
    case "text":
      if (!text.trim()) throw new WeiboPushError("text is missing");
      return { type: "text", text };
    case "position": {
      const latitude = Number(data.latitude);
      const longitude = Number(data.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
        throw new WeiboPushError("data.latitude/data.longitude are not numbers");
      return { type: "location", latitude, longitude };
    }
    case "voice":
      return { type: "voice" };
    case "image":
      return { type: "media", media: "image", mediaId: str("vfid") ?? str("tovfid") };
    case "event":
      switch (str("subtype")) {
        case "follow":
        case "subscribe":
        case "scan_follow":
          return { type: "follow", scene: str("key") };
        case "scan":
          return { type: "scan", scene: str("key") };
        case "unfollow":
        case "unsubscribe":
          return { type: "unfollow" };
        case "click": {
          const key = str("key");
          if (!key) throw new WeiboPushError("data.key is missing");
          return { type: "menu", key };
        }
        default:
          return undefined; // view and newer events need no answer
      }
    default:
      return undefined; // unknown types are ignored, as Weibo asks
  }
}
