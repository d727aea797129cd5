// Tickets with chosen figures (department, category, dates, rating) written straight to
// the database, for tests of aggregate reports (KPIs, the transparency page). They skip
// the lifecycle on purpose: the reports read only the columns set here.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../src/db/database.ts";

export interface SeedTicket {
  createdAt: Date;
  /** complaint (default), help, suggestion or praise. */
  kind?: string;
  departmentCode?: string | null;
  category?: string | null;
  text?: string;
  status?: string;
  resolvedAt?: Date | null;
  resolvedOnTime?: boolean | null;
  acceptedAt?: Date | null;
  assignedAt?: Date | null;
  rating?: number | null;
  reopenCount?: number;
}

let seq = 0;

export async function seedTickets(prisma: PrismaClient, tickets: SeedTicket[]): Promise<void> {
  const conversationId = randomUUID();
  const channelUserId = `seed-${conversationId.slice(0, 8)}`;
  await prisma.conversation.create({ data: { id: conversationId, channel: "webchat", channelUserId } });
  const run = randomUUID().replace(/-/g, "").slice(0, 6);
  await prisma.ticket.createMany({
    data: tickets.map((t) => ({
      number: `GD20990101-${run}${String(++seq).padStart(6, "0")}`,
      status: t.status ?? (t.resolvedAt ? "resolved" : "assigned"),
      kind: t.kind ?? "complaint",
      text: t.text ?? "路灯不亮",
      channel: "webchat",
      channelUserId,
      conversationId,
      sourceMessageId: randomUUID(),
      createdAt: t.createdAt,
      departmentCode: t.departmentCode === undefined ? "CG" : t.departmentCode,
      category: t.category === undefined ? "street-light" : t.category,
      assignedAt: t.assignedAt ?? t.createdAt,
      acceptedAt: t.acceptedAt ?? null,
      resolvedAt: t.resolvedAt ?? null,
      resolvedOnTime: t.resolvedOnTime ?? (t.resolvedAt ? true : null),
      rating: t.rating ?? null,
      reopenCount: t.reopenCount ?? 0,
    })),
  });
}
