// Tries to deliver one notice and records the attempt. Retrying is the queue's job:
// this throws on a retryable failure, and marks the notice dead after the last one.
// Delivery is at-least-once: a crash between the platform's "ok" and the record
// means the notice is sent again on retry.
//
// Notices to one citizen go out in the order they were written ("accepted" before
// "resolved"), though the queue works many at once: a notice with an earlier one to
// the same citizen still pending waits for it, up to ORDER_HOLD_MS, after which a
// stuck earlier notice no longer holds the later ones back.
import type { Channel, Reply } from "../messages/messages.ts";
import type { PrismaClient } from "../db/database.ts";
import { type ChannelSender, DeliveryError } from "./channel-sender.ts";

export type DeliveryOutcome = "sent" | "undeliverable" | "dead" | "already-finished" | "waiting";

const ORDER_HOLD_MS = 60_000;

export async function deliver(
  prisma: PrismaClient,
  senders: ReadonlyMap<Channel, ChannelSender>,
  deliveryId: string,
  /** True when the queue will not retry after this attempt. */
  isLastAttempt: boolean,
): Promise<DeliveryOutcome> {
  const delivery = await prisma.delivery.findUnique({ where: { id: deliveryId } });
  if (!delivery) throw new DeliveryError(`delivery ${deliveryId} does not exist`, "undeliverable");
  if (delivery.status !== "pending") return "already-finished";
  if (Date.now() - delivery.createdAt.getTime() < ORDER_HOLD_MS && (await hasEarlierPending(prisma, delivery)))
    return "waiting";

  let failure: DeliveryError | undefined;
  try {
    const sender = senders.get(delivery.channel as Channel);
    if (!sender) throw new DeliveryError(`no sender for channel "${delivery.channel}"`, "undeliverable");
    await sender.send({
      deliveryId,
      channel: delivery.channel as Channel,
      channelUserId: delivery.channelUserId,
      replies: delivery.replies as unknown as Reply[],
    });
  } catch (error) {
    failure =
      error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error), "retry");
  }

  const status = !failure
    ? "sent"
    : failure.kind === "undeliverable"
      ? "undeliverable"
      : isLastAttempt
        ? "dead"
        : "pending";
  // Numbered from the record, not the queue: a job retried after a crash keeps counting.
  const number = (await prisma.deliveryAttempt.count({ where: { deliveryId } })) + 1;
  await prisma.$transaction([
    prisma.deliveryAttempt.create({
      data: { deliveryId, attempt: number, ok: !failure, error: failure?.message.slice(0, 1000) ?? null },
    }),
    prisma.delivery.update({
      where: { id: deliveryId },
      data: { status, finishedAt: status === "pending" ? null : new Date() },
    }),
  ]);
  if (status === "pending") throw failure!; // let the queue retry with backoff
  return status as DeliveryOutcome;
}

async function hasEarlierPending(
  prisma: PrismaClient,
  delivery: { id: string; channel: string; channelUserId: string; createdAt: Date },
): Promise<boolean> {
  const earlier = await prisma.delivery.findFirst({
    where: {
      channel: delivery.channel,
      channelUserId: delivery.channelUserId,
      status: "pending",
      // Two notices written in the same millisecond are ordered by id, so exactly one waits.
      OR: [{ createdAt: { lt: delivery.createdAt } }, { createdAt: delivery.createdAt, id: { lt: delivery.id } }],
    },
    select: { id: true },
  });
  return earlier !== null;
}
