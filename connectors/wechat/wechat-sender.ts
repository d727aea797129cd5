// WeChat's outbound half: answers that missed the passive-reply budget and later
// notices (ticket progress) go out through the customer-service API, which WeChat
// allows within 48 hours of the citizen's last message. After that (45015) a
// template message is the only way, when one is configured.
import type { WechatConfig } from "./wechat-config.ts";
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import { plainText } from "../shared/plain-text.ts";
import type { AccessTokens } from "./wechat-access-token.ts";
import { type WechatApi, WechatApiError } from "./wechat-api.ts";

/** The 48-hour window is closed (45015) or its message quota is used up (45047). */
const WINDOW_CLOSED = new Set([45015, 45047]);
/** Refusals no retry can change: not following (43004), unknown openid (40003), template id invalid (40037), blocked (43019). */
const REFUSED = new Set([43004, 40003, 40037, 43019]);
const TEMPLATE_VALUE_CHARS = 200;

export class WechatSender implements ChannelSender {
  readonly channel = "wechat" as const;
  /** Customer-service messages: within 48 hours of the citizen's last message. */
  readonly replyWindowHours = 48;

  constructor(
    private readonly api: WechatApi,
    private readonly tokens: AccessTokens,
    private readonly config: Pick<WechatConfig, "templateId" | "templateTextKey">,
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    const content = plainText(message.replies);
    try {
      await this.tokens.withToken((token) =>
        this.api.post("/cgi-bin/message/custom/send", token, {
          touser: message.channelUserId,
          msgtype: "text",
          text: { content },
        }),
      );
    } catch (error) {
      if (error instanceof WechatApiError && WINDOW_CLOSED.has(error.errcode))
        return this.sendTemplate(message.channelUserId, content, error);
      throw asDeliveryError(error);
    }
  }

  private async sendTemplate(touser: string, content: string, cause: WechatApiError): Promise<void> {
    const { templateId, templateTextKey } = this.config;
    if (!templateId)
      throw new DeliveryError(`${cause.message}; no template message configured (WECHAT_TEMPLATE_ID)`, "undeliverable");
    const value = content.length > TEMPLATE_VALUE_CHARS ? `${content.slice(0, TEMPLATE_VALUE_CHARS - 1)}…` : content;
    try {
      await this.tokens.withToken((token) =>
        this.api.post("/cgi-bin/message/template/send", token, {
          touser,
          template_id: templateId,
          data: { [templateTextKey]: { value } },
        }),
      );
    } catch (error) {
      throw asDeliveryError(error);
    }
  }
}

function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof WechatApiError)
    return new DeliveryError(error.message, REFUSED.has(error.errcode) ? "undeliverable" : "retry");
  return new DeliveryError(`WeChat API unreachable: ${(error as Error)?.message ?? String(error)}`, "retry");
}
