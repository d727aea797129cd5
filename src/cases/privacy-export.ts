// A citizen's own data, on request (个人信息保护法 第四十五条: the right to access and copy).
// Everything the hub holds about one citizen of one channel: their conversation's
// messages, their tickets with the replies they were given and the state changes, their
// suggestions, and the notices sent to them. Staff's internal notes and the names of the
// staff who acted are not the citizen's personal data and are left out.
import type { PrismaClient } from "../db/database.ts";
import { statusLabel } from "../tickets/ticket-status.ts";

export interface CitizenExport {
  exportedAt: string;
  channel: string;
  conversation: { createdAt: string; lastActiveAt: string; purgedAt: string | null } | null;
  messages: { at: string; direction: string; text: string }[];
  tickets: {
    number: string;
    kind: string;
    status: string;
    statusLabel: string;
    text: string;
    category: string | null;
    district: string | null;
    address: string | null;
    createdAt: string;
    resolvedAt: string | null;
    closedAt: string | null;
    reply: string | null;
    rating: number | null;
    ratingComment: string | null;
    purgedAt: string | null;
    history: { at: string; type: string; status: string | null }[];
    attachments: { at: string; kind: string }[];
  }[];
  feedback: { at: string; kind: string; text: string }[];
  notices: { at: string; reason: string; replies: unknown }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export async function exportCitizenData(
  prisma: PrismaClient,
  channel: string,
  channelUserId: string,
  now = new Date(),
): Promise<CitizenExport> {
  const conversation = await prisma.conversation.findUnique({
    where: { channel_channelUserId: { channel, channelUserId } },
  });
  const conversationId = conversation?.id ?? "";
  const [messages, tickets, feedback, notices] = await Promise.all([
    prisma.message.findMany({ where: { conversationId }, orderBy: { createdAt: "asc" } }),
    prisma.ticket.findMany({
      // Tickets filed in the conversation, and any filed for the citizen elsewhere on the channel.
      where: { OR: [{ conversationId }, { channel, channelUserId }] },
      orderBy: { createdAt: "asc" },
      include: { events: { orderBy: { seq: "asc" } }, attachments: { orderBy: { createdAt: "asc" } } },
    }),
    prisma.feedback.findMany({ where: { channel, channelUserId }, orderBy: { createdAt: "asc" } }),
    prisma.delivery.findMany({ where: { channel, channelUserId }, orderBy: { createdAt: "asc" } }),
  ]);
  return {
    exportedAt: now.toISOString(),
    channel,
    conversation: conversation && {
      createdAt: conversation.createdAt.toISOString(),
      lastActiveAt: conversation.lastActiveAt.toISOString(),
      purgedAt: iso(conversation.purgedAt),
    },
    messages: messages.map((m) => ({ at: m.createdAt.toISOString(), direction: m.direction, text: m.text })),
    tickets: tickets.map((t) => ({
      number: t.number,
      kind: t.kind,
      status: t.status,
      statusLabel: statusLabel(t.status),
      text: t.text,
      category: t.category,
      district: t.district,
      address: t.address,
      createdAt: t.createdAt.toISOString(),
      resolvedAt: iso(t.resolvedAt),
      closedAt: iso(t.closedAt),
      reply: t.resolution,
      rating: t.rating,
      ratingComment: t.ratingComment,
      purgedAt: iso(t.purgedAt),
      history: t.events.map((e) => ({
        at: e.createdAt.toISOString(),
        type: e.type,
        status: typeof (e.data as { to?: unknown }).to === "string" ? (e.data as { to: string }).to : null,
      })),
      attachments: t.attachments.map((a) => ({ at: a.createdAt.toISOString(), kind: a.kind })),
    })),
    feedback: feedback.map((f) => ({ at: f.createdAt.toISOString(), kind: f.kind, text: f.text })),
    notices: notices.map((d) => ({ at: d.createdAt.toISOString(), reason: d.reason, replies: d.replies })),
  };
}
