// The community-group channel's outbound half in every hub process: the bot is logged in
// only in its own process (npm run wechaty), so a notice (ticket progress, an agent's
// reply) is handed to it on the `wechaty-send` queue. "Sent" in the hub's delivery record
// therefore means "handed to the bot"; the bot's queue retries with backoff while it is
// logged out (WECHATY_SEND_ATTEMPTS below), and a notice it never manages to say is failed
// there, in the queue, and logged.
import type { Queue } from "bullmq";
import { type ChannelSender, DeliveryError, type OutboundMessage } from "../../src/outbound/channel-sender.ts";
import { plainText } from "../shared/plain-text.ts";
import { parseCitizenId } from "./wechaty-citizen.ts";
import { WECHATY_CHANNEL } from "./wechaty-input.ts";

export interface WechatySendJob {
  channelUserId: string;
  text: string;
}

/** Tries per notice in the bot's queue: 2 s doubling, so about 9 hours of a logged-out bot. */
export const WECHATY_SEND_ATTEMPTS = 14;
export const WECHATY_SEND_BACKOFF_MS = 2_000;

export class WechatySender implements ChannelSender {
  readonly channel = WECHATY_CHANNEL;

  constructor(private readonly queue: Queue) {}

  async send(message: OutboundMessage): Promise<void> {
    if (!parseCitizenId(message.channelUserId))
      throw new DeliveryError(`"${message.channelUserId}" is not a community-group citizen`, "undeliverable");
    try {
      await this.queue.add(
        "say",
        { channelUserId: message.channelUserId, text: plainText(message.replies) } satisfies WechatySendJob,
        {
          // One job per delivery: the outbound queue's retry of a delivery adds nothing twice.
          jobId: message.deliveryId,
          attempts: WECHATY_SEND_ATTEMPTS,
          backoff: { type: "exponential", delay: WECHATY_SEND_BACKOFF_MS },
        },
      );
    } catch (error) {
      throw new DeliveryError(
        `cannot hand the notice to the community-group bot: ${(error as Error).message}`,
        "retry",
      );
    }
  }
}
