// Weibo's outbound half: private messages through the fan-service API
// (messages/reply.json, split into messages under 300 characters) and, when a notice
// is addressed to a comment or a post, a public comment.
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import { plainText } from "../shared/plain-text.ts";
import { parseWeiboAddress } from "./weibo-address.ts";
import { AUTH_CODES, RATE_LIMIT_CODES, type WeiboApi, WeiboApiError } from "./weibo-api.ts";
import { COMMENT_CHARS, splitText, truncate } from "./weibo-text.ts";

export class WeiboSender implements ChannelSender {
  readonly channel = "weibo" as const;
  /** Private messages to a fan: within 48 hours of their message (weibo-api.ts). */
  readonly replyWindowHours = 48;

  constructor(private readonly api: WeiboApi) {}

  async send(message: OutboundMessage): Promise<void> {
    const address = parseWeiboAddress(message.channelUserId);
    if (!address) throw new DeliveryError(`"${message.channelUserId}" is not a Weibo address`, "undeliverable");
    const text = plainText(message.replies);
    try {
      if ("fan" in address) {
        for (const chunk of splitText(text)) await this.api.replyMessage(address.fan, chunk);
      } else if ("comment" in address) {
        await this.api.replyComment(address.comment.commentId, address.comment.statusId, truncate(text, COMMENT_CHARS));
      } else {
        await this.api.createComment(address.post, truncate(text, COMMENT_CHARS));
      }
    } catch (error) {
      throw asDeliveryError(error);
    }
  }
}

/** System error, service unavailable, remote service error, busy, job expired, RPC error. */
const TRANSIENT_CODES = new Set([10001, 10002, 10003, 10009, 10010, 10011]);

function asDeliveryError(error: unknown): DeliveryError {
  if (!(error instanceof WeiboApiError))
    return new DeliveryError(`Weibo API unreachable: ${(error as Error)?.message ?? String(error)}`, "retry");
  const code = error.errorCode;
  // Busy, rate-limited, or a token the operator can still fix: worth another try.
  if (
    error.httpStatus >= 500 ||
    error.httpStatus === 429 ||
    (code !== undefined && (RATE_LIMIT_CODES.has(code) || AUTH_CODES.has(code) || TRANSIENT_CODES.has(code)))
  ) {
    return new DeliveryError(error.message, "retry");
  }
  // Any other refusal (no message quota for this fan, unfollowed, blocked, no permission) stands.
  return new DeliveryError(error.message, "undeliverable");
}
