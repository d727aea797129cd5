// The one way the hub speaks first: a notice to a citizen on the channel their
// conversation came from. It is written in the caller's transaction (with the change
// it reports) and delivered by the outbound queue, so a notice is never lost and
// never sent for a change that was rolled back.
import type { Channel, Reply } from "../messages/messages.ts";
import type { Tx } from "../db/transaction.ts";
import { addToOutbox } from "../queue/outbox.ts";
import { QueueNames } from "../queue/queue-names.ts";

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
  await addToOutbox(tx, { queue: QueueNames.outbound, jobName: "deliver", jobId: delivery.id, payload: { deliveryId: delivery.id } });
  return delivery.id;
}
