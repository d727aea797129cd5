// The bot's inbound half: one received message → at most one answer. Steps: read it
// (toIncoming, done by the caller), decide whether it is the bot's business and normalize
// it (wechaty-input.ts), drop a repeated delivery of the same message id, let the
// conversation answer (the same ChannelConversation as WeChat's and Weibo's: the pipeline,
// evidence, tickets), and say the answer to the sender with an @ in the group.
//
// Duplicates: a puppet may deliver one message twice (a reconnect replays recent
// messages). The first delivery claims the id in Redis (SET NX, a day); a repeat is
// dropped before anything runs. Under that, the pipeline is idempotent on
// (channel, message id) like every channel's, so even a repeat that slipped through
// (Redis lost its data) files nothing twice. A claim whose handling failed is released,
// so a later delivery can try again.
import type { Redis } from "ioredis";
import type { Logger } from "../../src/logger.ts";
import type { ChannelConversation } from "../../src/conversation/channel-conversation.ts";
import { plainText } from "../shared/plain-text.ts";
import type { GroupPlaces } from "./group-places.ts";
import { parseCitizenId } from "./wechaty-citizen.ts";
import type { WechatyIncoming } from "./wechaty-incoming.ts";
import { wechatyInput } from "./wechaty-input.ts";
import type { WechatySpeaker } from "./wechaty-speaker.ts";

const SEEN_SECONDS = 24 * 3600;

export type InboxOutcome = "ignored" | "duplicate" | "answered" | "silent";

export interface WechatyInboxDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  conversation: Pick<ChannelConversation, "handle">;
  speaker: WechatySpeaker;
  places: GroupPlaces;
  keywords: readonly string[];
  /** How long after addressing the bot a member's photos and locations in the group are evidence. */
  evidenceWindowMs: number;
}

export class WechatyInbox {
  /** Each member's messages are handled one after another (a photo after the complaint it belongs to). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: WechatyInboxDeps) {}

  receive(message: WechatyIncoming): Promise<InboxOutcome> {
    const key = `${message.room?.id ?? ""}\u0000${message.talker.id}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const handled = previous.catch(() => undefined).then(() => this.handle(message));
    this.queues.set(key, handled);
    void handled
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(key) === handled) this.queues.delete(key);
      });
    return handled;
  }

  private async handle(message: WechatyIncoming): Promise<InboxOutcome> {
    const { deps } = this;
    const { room } = message;
    const addressedKey = room && `${deps.prefix}:wechaty:addressed:${room.id}:${message.talker.id}`;
    const recentlyAddressed =
      !!addressedKey && message.kind !== "text" && (await deps.redis.exists(addressedKey)) === 1;
    const normalized = wechatyInput(message, {
      keywords: deps.keywords,
      place: room && deps.places.placeOf(room),
      recentlyAddressed,
    });
    if (!normalized) return "ignored";
    const seenKey = `${deps.prefix}:wechaty:seen:${message.id}`;
    if ((await deps.redis.set(seenKey, "1", "EX", SEEN_SECONDS, "NX")) !== "OK") {
      deps.log.debug({ messageId: message.id }, "community-group message delivered again: dropped");
      return "duplicate";
    }
    const { input, addressed } = normalized;
    try {
      if (addressed && addressedKey)
        await deps.redis.set(addressedKey, "1", "PX", Math.max(1, Math.round(deps.evidenceWindowMs)));
      const replies = await deps.conversation.handle(input);
      if (replies.length === 0) return "silent";
      await deps.speaker.say(parseCitizenId(input.channelUserId)!, plainText(replies), message.talker.name);
      return "answered";
    } catch (error) {
      await deps.redis.del(seenKey).catch(() => undefined);
      throw error;
    }
  }
}
