// The agent's side of a hand-off to a person (人工), for the staff API: the waiting
// conversations and 留言, the agent's own active ones, the history, and the four things
// an agent does — pick up (one agent wins a race: a conditional update), reply on the
// citizen's channel (through the notifier and the outbound queue, like every notice;
// refused once the platform's reply window has closed), hand back to the bot, or file a
// ticket for the citizen. Each change and its notice are one transaction; the
// conversation context follows the hand-off's state (handoff-rules.ts).
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { HandoffSession } from "../generated/prisma/client.ts";
import { nextTicketNumber, openTicket } from "../cases/open-ticket.ts";
import { logTicketFiled } from "../cases/ticket-event-log.ts";
import type { Logger } from "../logger.ts";
import { describeInstant } from "../calendar/service-hours.ts";
import { notify } from "../outbound/notifier.ts";
import { changeContext } from "./conversation-context.ts";
import * as say from "./handoff-replies.ts";
import { allowedFrom, type HandoffEvent, type HandoffStatus, nextStatus, replyWindow } from "./handoff-rules.ts";

export interface AgentDeskDeps {
  prisma: PrismaClient;
  timeZone: string;
  /** How long after the citizen's last message the channel lets the hub write (ChannelSender.replyWindowHours). */
  replyWindowHours(channel: string): number | undefined;
  /** Called after a committed transaction wrote queue work (notices, a routing job). */
  onOutboxWritten?: () => void;
  /** Where a ticket filed for a citizen is logged (src/cases/ticket-event-log.ts). */
  log?: Logger;
}

/** Why an agent's action was refused: unknown hand-off, its state, or the channel's reply window. */
export class HandoffRefused extends Error {
  constructor(
    message: string,
    readonly reason: "not_found" | "conflict" | "window_closed",
  ) {
    super(message);
  }
}

export interface HandoffSummary {
  id: string;
  channel: string;
  queue: string;
  status: HandoffStatus;
  requestedAt: Date;
  pickedUpAt: Date | null;
  agent: string | null;
  replyBy: Date | null;
  /** The citizen's latest message (unmasked: the caller masks per role). */
  lastMessage: { text: string; at: Date } | null;
}

export interface HistoryLine {
  direction: "in" | "out";
  text: string;
  at: Date;
}

const LIST_LIMIT = 100;
const HISTORY_ROWS = 200;

export class AgentDesk {
  constructor(private readonly deps: AgentDeskDeps) {}

  /** The queue as one agent sees it: waiting (oldest first), 留言 (oldest first), and their own active ones. */
  async list(
    agent: string,
  ): Promise<{ waiting: HandoffSummary[]; messages: HandoffSummary[]; mine: HandoffSummary[] }> {
    const { prisma } = this.deps;
    const byAge = { requestedAt: "asc" } as const;
    const [waiting, messages, mine] = await Promise.all([
      prisma.handoffSession.findMany({ where: { status: "waiting" }, orderBy: byAge, take: LIST_LIMIT }),
      prisma.handoffSession.findMany({ where: { status: "message" }, orderBy: byAge, take: LIST_LIMIT }),
      prisma.handoffSession.findMany({ where: { status: "active", agent }, orderBy: byAge, take: LIST_LIMIT }),
    ]);
    const last = await this.lastCitizenMessages([...waiting, ...messages, ...mine].map((s) => s.conversationId));
    const summary = (s: HandoffSession): HandoffSummary => ({
      id: s.id,
      channel: s.channel,
      queue: s.queue,
      status: s.status as HandoffStatus,
      requestedAt: s.requestedAt,
      pickedUpAt: s.pickedUpAt,
      agent: s.agent,
      replyBy: s.replyBy,
      lastMessage: last.get(s.conversationId) ?? null,
    });
    return { waiting: waiting.map(summary), messages: messages.map(summary), mine: mine.map(summary) };
  }

  /** One hand-off with the conversation's latest messages (oldest first) and whether a reply can still reach the citizen. */
  async view(id: string, now = new Date()) {
    const session = await this.session(id);
    const rows = await this.deps.prisma.message.findMany({
      where: { conversationId: session.conversationId },
      select: { id: true, direction: true, text: true, outcome: true, createdAt: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: HISTORY_ROWS,
    });
    rows.reverse();
    const history: HistoryLine[] = [];
    for (const row of rows) {
      history.push({ direction: row.direction === "in" ? "in" : "out", text: row.text, at: row.createdAt });
      for (const reply of (row.outcome as { replies?: { text: string }[] } | null)?.replies ?? [])
        history.push({ direction: "out", text: reply.text, at: row.createdAt });
    }
    return { session, history, replyWindow: await this.window(session, now) };
  }

  /** Takes a waiting conversation or a 留言; only one agent wins, the others get a conflict. */
  async pickUp(id: string, agent: string, now = new Date()): Promise<HandoffSession> {
    const picked = await this.deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<HandoffSession[]>`
        UPDATE "HandoffSession" SET "status" = 'active', "agent" = ${agent}, "pickedUpAt" = ${now}
        WHERE "id" = ${id} AND "status" IN (${Prisma.join([...allowedFrom("pick_up")])})
        RETURNING *`;
      const session = rows[0];
      if (!session) return undefined;
      await changeContext(tx, session.conversationId, { handoff: { id, status: "active" } });
      // A citizen waiting now hears that someone is there; a 留言 is answered by the agent's reply.
      if (session.replyBy === null) await this.tell(tx, session, say.agentJoined(), `joined:${now.getTime()}`);
      return session;
    });
    if (!picked) throw await this.refusal(id, "pick_up");
    this.deps.onOutboxWritten?.();
    return picked;
  }

  /** The agent's words, on the citizen's channel; refused once the channel's reply window has closed. */
  async reply(id: string, agent: string, text: string, now = new Date()): Promise<{ deliveryId: string }> {
    const session = await this.mine(id, agent, "reply");
    const window = await this.window(session, now);
    if (!window.open) {
      const hours = this.deps.replyWindowHours(session.channel);
      const closed = window.closesAt ? `（已于${describeInstant(window.closesAt, this.deps.timeZone)}截止）` : "";
      throw new HandoffRefused(
        `该渠道只能在群众最后一条消息后${hours}小时内回复${closed}，消息无法送达。可以为群众登记工单，或等群众再次留言后回复。`,
        "window_closed",
      );
    }
    const deliveryId = await this.deps.prisma.$transaction((tx) =>
      this.tell(tx, session, say.agentSays(text), `reply:${randomUUID()}`, now),
    );
    this.deps.onOutboxWritten?.();
    return { deliveryId };
  }

  /** Back to the bot: the hand-off is closed and the citizen told. */
  async handBack(id: string, agent: string, now = new Date()): Promise<void> {
    const session = await this.mine(id, agent, "hand_back");
    const done = await this.deps.prisma.$transaction(async (tx) => {
      const count = await tx.handoffSession.updateMany({
        where: { id, status: "active", agent },
        data: { status: nextStatus("hand_back", "active")!, closedAt: now, outcome: "handed_back" },
      });
      if (count.count === 0) return false;
      await changeContext(tx, session.conversationId, { handoff: null });
      await this.tell(tx, session, say.backToBot(), "back", now);
      return true;
    });
    if (!done) throw await this.refusal(id, "hand_back");
    this.deps.onOutboxWritten?.();
  }

  /** A ticket for the citizen, in the agent's words, routed like any other; the citizen gets its number. */
  async fileTicket(
    id: string,
    agent: string,
    input: { text: string; kind: "complaint" | "help" },
    now = new Date(),
  ): Promise<{ number: string }> {
    const session = await this.mine(id, agent, "file_ticket");
    const conversation = await this.deps.prisma.conversation.findUniqueOrThrow({
      where: { id: session.conversationId },
    });
    const number = await nextTicketNumber(this.deps.prisma, this.deps.timeZone, now);
    const opened = await this.deps.prisma.$transaction(async (tx) => {
      // The notice with the number is the ticket's source message in the conversation.
      const sourceMessageId = await this.tell(tx, session, say.ticketFiled(number), `ticket:${number}`, now);
      return openTicket(
        tx,
        {
          number,
          kind: input.kind,
          text: input.text,
          channel: conversation.channel,
          channelUserId: conversation.channelUserId,
          conversationId: conversation.id,
          sourceMessageId,
          details: { handoffId: id },
          filedBy: { actor: `staff:${agent}`, note: "人工客服代群众登记诉求" },
        },
        now,
      );
    });
    this.deps.onOutboxWritten?.();
    if (this.deps.log) {
      const ticket = { ticketId: opened.id, ticketNumber: number, kind: input.kind, channel: conversation.channel };
      logTicketFiled(this.deps.log, ticket, `staff:${agent}`);
    }
    return { number };
  }

  /**
   * A notice to the citizen, also kept in the conversation at once (as message
   * "<delivery>:0", the id web chat's sender uses, so it is stored once) so the history
   * shows it on every channel. Returns that message's id.
   */
  private async tell(tx: Tx, session: HandoffSession, text: string, key: string, now = new Date()): Promise<string> {
    const conversation = await tx.conversation.findUniqueOrThrow({ where: { id: session.conversationId } });
    const deliveryId = await notify(tx, {
      channel: conversation.channel,
      channelUserId: conversation.channelUserId,
      replies: [{ type: "text", text }],
      reason: `handoff:${session.id}:${key.split(":")[0]}`,
      dedupeKey: `handoff:${session.id}:${key}`,
    });
    const messageId = `${deliveryId}:0`;
    await tx.message.createMany({
      data: [
        {
          id: messageId,
          conversationId: conversation.id,
          direction: "out",
          channel: conversation.channel,
          text,
          createdAt: now,
        },
      ],
      skipDuplicates: true,
    });
    return messageId;
  }

  private async window(session: HandoffSession, now: Date) {
    const last = await this.deps.prisma.message.findFirst({
      where: { conversationId: session.conversationId, direction: "in" },
      orderBy: { createdAt: "desc" },
      select: { createdAt: true },
    });
    return replyWindow(this.deps.replyWindowHours(session.channel), last?.createdAt, now);
  }

  private async session(id: string): Promise<HandoffSession> {
    const session = await this.deps.prisma.handoffSession.findUnique({ where: { id } });
    if (!session) throw new HandoffRefused("未找到该人工服务会话。", "not_found");
    return session;
  }

  /** The agent's own active hand-off, for an event allowed only there. */
  private async mine(id: string, agent: string, event: HandoffEvent): Promise<HandoffSession> {
    const session = await this.session(id);
    if (!nextStatus(event, session.status as HandoffStatus) || session.agent !== agent)
      throw await this.refusal(id, event);
    return session;
  }

  private async refusal(id: string, event: HandoffEvent): Promise<HandoffRefused> {
    const session = await this.session(id);
    if (event === "pick_up")
      return new HandoffRefused(
        session.status === "active" ? "该会话已被其他客服接入。" : "该会话已结束，无法接入。",
        "conflict",
      );
    return new HandoffRefused(
      session.status === "active" ? "该会话由其他客服接待，您不能操作。" : "该会话未在接待中，请先接入。",
      "conflict",
    );
  }

  /** The latest message each conversation's citizen sent, by conversation id; one query. */
  private async lastCitizenMessages(conversationIds: string[]): Promise<Map<string, { text: string; at: Date }>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.deps.prisma.$queryRaw<{ conversationId: string; text: string; createdAt: Date }[]>`
      SELECT DISTINCT ON ("conversationId") "conversationId", "text", "createdAt" FROM "Message"
      WHERE "conversationId" IN (${Prisma.join([...new Set(conversationIds)])}) AND "direction" = 'in'
      ORDER BY "conversationId", "createdAt" DESC`;
    return new Map(rows.map((r) => [r.conversationId, { text: r.text, at: r.createdAt }]));
  }
}
