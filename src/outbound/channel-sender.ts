// The outbound half of a channel connector: sends one normalized message to a citizen.
// Each connector (connectors/<channel>/) provides one; the rest of the hub never sees
// a platform's API.
import type { Channel, Reply } from "../messages/messages.ts";

export interface OutboundMessage {
  deliveryId: string;
  channel: Channel;
  channelUserId: string;
  replies: Reply[];
}

export interface ChannelSender {
  readonly channel: Channel;
  /**
   * Set when the platform lets the hub write only this many hours after the citizen's last
   * message (WeChat's customer-service messages: 48); an agent's reply is refused after it.
   */
  readonly replyWindowHours?: number;
  /** Resolves when the platform accepted the message; throws a DeliveryError otherwise. */
  send(message: OutboundMessage): Promise<void>;
}

/**
 * Why a send failed. `retry`: try again later (timeouts, rate limits, 5xx);
 * `undeliverable`: the platform refused for good (e.g. WeChat's 48-hour window has
 * closed, the user unfollowed) — retrying cannot help.
 */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    readonly kind: "retry" | "undeliverable",
  ) {
    super(message);
  }
}
