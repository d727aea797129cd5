// WeChat template messages (POST /cgi-bin/message/template/send): the citizen's notice after the
// 48-hour customer-service window (wechat-sender.ts) and the opinion hub's alerts to duty officers
// (the TemplateMessageSender port). Through the connector's API base and its shared access token,
// which is refreshed once when WeChat calls it invalid or expired (40001, 42001).
import { DeliveryError } from "../../src/outbound/channel-sender.ts";
import type { TemplateMessage, TemplateMessageSender } from "../../src/outbound/template-message-sender.ts";
import type { AccessTokens } from "./wechat-access-token.ts";
import { type WechatApi, WechatApiError } from "./wechat-api.ts";

/** Refusals no retry can change: not following (43004), unknown openid (40003), template id invalid (40037), blocked (43019). */
export const REFUSED = new Set([43004, 40003, 40037, 43019]);
/** WeChat's limit on a template field's value. */
export const TEMPLATE_VALUE_CHARS = 200;

export class WechatTemplateMessages implements TemplateMessageSender {
  constructor(
    private readonly api: WechatApi,
    private readonly tokens: AccessTokens,
  ) {}

  async sendTemplate(message: TemplateMessage): Promise<{ messageId?: string }> {
    const data = Object.fromEntries(
      Object.entries(message.data).map(([key, value]) => [key, { value: shorten(value) }]),
    );
    try {
      const answer = await this.tokens.withToken((token) =>
        this.api.post("/cgi-bin/message/template/send", token, {
          touser: message.touser,
          template_id: message.templateId,
          ...(message.url ? { url: message.url } : {}),
          data,
        }),
      );
      return answer.msgid === undefined ? {} : { messageId: String(answer.msgid) };
    } catch (error) {
      throw asDeliveryError(error);
    }
  }
}

function shorten(value: string): string {
  return value.length > TEMPLATE_VALUE_CHARS ? `${value.slice(0, TEMPLATE_VALUE_CHARS - 1)}…` : value;
}

/** A failed API call as the outbound port's error: refused for good, or worth a retry. */
export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof WechatApiError)
    return new DeliveryError(error.message, REFUSED.has(error.errcode) ? "undeliverable" : "retry");
  return new DeliveryError(`WeChat API unreachable: ${(error as Error)?.message ?? String(error)}`, "retry");
}
