// Who has been served for one delivery of an alert change (one opinion-alerts job): the webhook
// and each duty officer on WeChat are sent to once. The queue retries a job while any recipient
// failed; those already served — or refused for good (not following, no such template) — are
// skipped. A recipient is recorded right after its send, so only a crash between the two can
// repeat a message; neither WeChat nor a webhook takes an idempotency key to close that gap.
import type { PrismaClient } from "../db/database.ts";

export type RecipientOutcome = "sent" | "refused";

/** The recipients of this delivery already dealt with. */
export async function servedRecipients(prisma: PrismaClient, deliveryId: string): Promise<Set<string>> {
  const rows = await prisma.opinionAlertNotice.findMany({ where: { deliveryId }, select: { recipient: true } });
  return new Set(rows.map((r) => r.recipient));
}

/** Records a recipient as dealt with (a second record of the same one changes nothing). */
export async function recordRecipient(
  prisma: PrismaClient,
  deliveryId: string,
  recipient: string,
  outcome: RecipientOutcome,
  detail?: string,
): Promise<void> {
  await prisma.opinionAlertNotice.createMany({
    data: [{ deliveryId, recipient, outcome, detail: detail ?? null }],
    skipDuplicates: true,
  });
}
