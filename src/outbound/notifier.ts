// The one way the hub speaks first: a notice to a citizen on the channel their
// conversation came from. It is written in the caller's transaction (with the change
// it reports) and delivered by the outbound queue, so a notice is never lost and
// never sent for a change that was rolled back.
import type { Channel, Reply } from "../messages/messages.ts";
import type { Tx } from "../db/transaction.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { QueueNames } from "../queue/queue-names.ts";

// Every chat channel, checked both ways against the Channel type: adding a channel there
// without here (or the reverse) does not compile. Intake that is polled by its client
// (Open311) is not a Channel, so it gets no notices.
const CHAT_CHANNELS: Record<Channel, true> = { webchat: true, wechat: true, weibo: true, wechaty: true };

/** True for a channel the hub can speak first on (a chat channel, not polled intake). */
export function speaksFirstOn(channel: string): channel is Channel {
  return Object.hasOwn(CHAT_CHANNELS, channel);
}

export interface Notice {
  channel: Channel;
  channelUserId: string;
  replies: Reply[];
  /** Why, for the record: "ticket:GD20261122-000001:accepted". */
  reason: string;
  /** One notice per business event; defaults to the reason. */
  dedupeKey?: string;
}

/** Records the notice and its delivery job; returns the delivery id (existing one for a repeated key). */
export async function notify(tx: Tx, notice: Notice): Promise<string> {
  const dedupeKey = notice.dedupeKey ?? notice.reason;
  const existing = await tx.delivery.findUnique({ where: { dedupeKey }, select: { id: true } });
  if (existing) return existing.id;
  const delivery = await tx.delivery.create({
    data: {
      channel: notice.channel,
      channelUserId: notice.channelUserId,
      replies: notice.replies as object[],
      reason: notice.reason,
      dedupeKey,
    },
  });
  await addToOutbox(tx, {
    queue: QueueNames.outbound,
    jobName: "deliver",
    jobId: delivery.id,
    payload: { deliveryId: delivery.id },
  });
  return delivery.id;
}
