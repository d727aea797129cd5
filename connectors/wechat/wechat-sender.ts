// WeChat's outbound half: answers that missed the passive-reply budget and later
// notices (ticket progress) go out through the customer-service API, which WeChat
// allows within 48 hours of the citizen's last message. After that (45015) a
// template message is the only way, when one is configured.
import type { WechatConfig } from "./wechat-config.ts";
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import { plainText } from "../shared/plain-text.ts";
import type { AccessTokens } from "./wechat-access-token.ts";
import { type WechatApi, WechatApiError } from "./wechat-api.ts";
import { asDeliveryError, WechatTemplateMessages } from "./wechat-template-messages.ts";

/** The 48-hour window is closed (45015) or its message quota is used up (45047). */
const WINDOW_CLOSED = new Set([45015, 45047]);

export class WechatSender implements ChannelSender {
  readonly channel = "wechat" as const;
  /** Customer-service messages: within 48 hours of the citizen's last message. */
  readonly replyWindowHours = 48;

  private readonly templates: WechatTemplateMessages;

  constructor(
    private readonly api: WechatApi,
    private readonly tokens: AccessTokens,
    private readonly config: Pick<WechatConfig, "templateId" | "templateTextKey">,
  ) {
    this.templates = new WechatTemplateMessages(api, tokens);
  }

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
    await this.templates.sendTemplate({ touser, templateId, data: { [templateTextKey]: content } });
  }
}
