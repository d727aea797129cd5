// The port for template messages: a short structured notice with a link, sent to someone who
// follows the hub's account (WeChat Official Account template messages), outside any
// conversation. The opinion hub's alerts reach duty officers this way; the connector that
// implements it (connectors/wechat) is plugged in by the composition root.
export interface TemplateMessage {
  /** The recipient's id on the platform (a WeChat openid). */
  touser: string;
  templateId: string;
  /** Opened when the message is tapped (absolute). */
  url?: string;
  /** The template's fields, key → text. */
  data: Record<string, string>;
}

export interface TemplateMessageSender {
  /**
   * Resolves with the platform's message id once it accepted the message; throws a
   * DeliveryError (channel-sender.ts): `undeliverable` when no retry can help (not following,
   * unknown recipient, no such template), `retry` otherwise.
   */
  sendTemplate(message: TemplateMessage): Promise<{ messageId?: string }>;
}
