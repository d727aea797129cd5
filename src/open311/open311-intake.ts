// Files a GeoReport v2 service request as a ticket, on the same path as a complaint in
// chat: the request is recorded as the inbound message of an "open311" conversation,
// then ticket, first event and routing job are written in one transaction.
import { randomUUID } from "node:crypto";
import { queueMessageAnalysis } from "../opinion/opinion-job.ts";
import { hasWords } from "../opinion/opinion-source.ts";
import { conversationIdFor } from "../conversation/conversation-id.ts";
import type { PrismaClient } from "../db/database.ts";
import { cleanValue } from "../messages/clean-text.ts";
import { nextTicketNumber, type OpenedTicket, openTicket } from "../cases/open-ticket.ts";

export const OPEN311_CHANNEL = "open311";

export interface Open311Submission {
  service_code: string;
  description?: string;
  lat?: number;
  long?: number;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  media_url?: string;
}

export interface IntakeDeps {
  prisma: PrismaClient;
  timeZone: string;
  onOutboxWritten(): void;
}

/** Who filed it, as far as the client says: the account, else e-mail, else device, else the API client. */
function submitter(s: Open311Submission, client: string): string {
  return s.account_id
    ? `account:${s.account_id}`
    : s.email
      ? `email:${s.email}`
      : s.device_id
        ? `device:${s.device_id}`
        : `client:${client}`;
}

export async function fileOpen311Request(
  deps: IntakeDeps,
  received: Open311Submission,
  service: { code: string | null; name: string },
  client: string,
  now = new Date(),
): Promise<OpenedTicket> {
  // No U+0000 or lone surrogate reaches the database or the ticket's hash (src/messages/clean-text.ts).
  const submission = cleanValue(received);
  const channelUserId = submitter(submission, client);
  const conversationId = conversationIdFor(OPEN311_CHANNEL, channelUserId);
  const text = submission.description?.trim() || service.name;
  const number = await nextTicketNumber(deps.prisma, deps.timeZone, now);
  const ticket = await deps.prisma.$transaction(async (tx) => {
    await tx.conversation.upsert({
      where: { id: conversationId },
      create: { id: conversationId, channel: OPEN311_CHANNEL, channelUserId, createdAt: now, lastActiveAt: now },
      // A conversation the retention policy pseudonymized is revived.
      update: { lastActiveAt: now, channelUserId, purgedAt: null },
    });
    const inbound = await tx.message.create({
      data: {
        id: randomUUID(),
        conversationId,
        direction: "in",
        channel: OPEN311_CHANNEL,
        text,
        raw: { ...submission } as object,
        createdAt: now,
      },
    });
    // What the citizen wrote is read by the opinion hub like any chat message.
    if (hasWords(text)) await queueMessageAnalysis(tx, [inbound.id]);
    return openTicket(
      tx,
      {
        number,
        kind: "complaint",
        text,
        channel: OPEN311_CHANNEL,
        channelUserId,
        conversationId,
        sourceMessageId: inbound.id,
        ...(service.code && { category: service.code }),
        ...(submission.address_string && { address: submission.address_string }),
        ...(submission.lat !== undefined &&
          submission.long !== undefined && { latitude: submission.lat, longitude: submission.long }),
        details: {
          contact: {
            first_name: submission.first_name,
            last_name: submission.last_name,
            phone: submission.phone,
            email: submission.email,
          },
          ...(submission.media_url && { media_url: submission.media_url }),
          ...(submission.address_id && { address_id: submission.address_id }),
        },
      },
      now,
    );
  });
  deps.onOutboxWritten();
  return ticket;
}
