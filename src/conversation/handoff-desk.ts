// The citizen's side of a hand-off to a person (人工). "人工" puts the conversation in the
// agent queue when agents answer (service hours, holidays from the working calendar),
// or tells the citizen honestly when they will, and keeps their next message as a 留言.
// While the conversation waits for or talks with an agent, every message of the citizen
// skips the bot and is stored for the agent. Every answer is recorded like any exchange,
// in the transaction that changes the hand-off, so a retried message (same channel
// message id) gets the same answer and changes nothing again. The rules are in
// handoff-rules.ts; the agent's side is agent-desk.ts.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import {
  currentOrNextPeriod,
  describeInstant,
  describeServiceHours,
  isOpen,
  nextOpening,
} from "../calendar/service-hours.ts";
import type { WorkingCalendar } from "../calendar/working-calendar.ts";
import type { ConversationOutcome, InboundMessage } from "../messages/messages.ts";
import { notify, speaksFirstOn } from "../outbound/notifier.ts";
import { changeContext, type ContextChange } from "./conversation-context.ts";
import { conversationIdFor } from "./conversation-id.ts";
import * as say from "./handoff-replies.ts";
import type { HandoffQueue, HandoffQueues } from "./handoff-queues.ts";
import { type HandoffMark, heldForAgent, nextStatus, requestedStatus } from "./handoff-rules.ts";
import { recordExchanges, storedOutcome } from "./message-log.ts";
import type { UnmarkedConversations } from "./unmarked-conversations.ts";

export interface HandoffTimeoutJob {
  handoffId: string;
  /** The request this timeout is for: a later request of the same 留言 has its own. */
  requestedAt: string;
}

export interface HandoffDeskDeps {
  prisma: PrismaClient;
  timeZone: string;
  /** The agent queues and their hours (HANDOFF_HOURS, HANDOFF_QUEUES). */
  queues: HandoffQueues;
  /** The working-day calendar now serving (it is reloaded with intents/). */
  calendar: () => WorkingCalendar;
  /** HANDOFF_PICKUP_MINUTES, in milliseconds. */
  pickupMs: number;
  /** Schedules the pick-up timeout of a new wait (handoff-timeout.ts); never waits on the worker. */
  scheduleTimeout?: (job: HandoffTimeoutJob, delayMs: number) => void;
  /** Called after a committed transaction wrote a notice. */
  onOutboxWritten?: () => void;
  /** Told of each conversation a request marks, so no process keeps it as unmarked (unmarked-conversations.ts). */
  marks?: Pick<UnmarkedConversations, "announce">;
}

const UNDERSTOOD = { kind: "handoff" as const, confidence: 1 };

class Duplicate extends Error {}

export class HandoffDesk {
  constructor(private readonly deps: HandoffDeskDeps) {}

  /** Whether the queue's agents answer at `now`. */
  isOpen(queue: HandoffQueue, now: Date): boolean {
    return isOpen(queue.hours, this.deps.calendar(), now);
  }

  /** By when a 留言 left at `now` is answered: the end of the queue's next service period to open. */
  replyBy(queue: HandoffQueue, now: Date): Date {
    const calendar = this.deps.calendar();
    const period = this.isOpen(queue, now)
      ? nextOpening(queue.hours, calendar, now)
      : currentOrNextPeriod(queue.hours, calendar, now);
    return period?.end ?? new Date(now.getTime() + 24 * 3600_000);
  }

  /**
   * The pipeline's first question: a message of a conversation held for an agent is kept
   * for the agent (the bot says nothing, or that it was kept), and the message after
   * a 留言 offer is the 留言. Undefined: the bot answers as usual. `isRequest` says
   * whether the message asks for a person again (it is then a new request, not a 留言).
   * `mark` is the conversation's hand-off mark, read by the caller with the rest of its
   * context (one read per message).
   */
  async hold(
    message: InboundMessage,
    mark: HandoffMark | undefined,
    isRequest: () => boolean,
  ): Promise<ConversationOutcome | undefined> {
    if (!mark) return undefined;
    if (heldForAgent(mark)) {
      const replies = mark.status === "waiting" ? [say.keptForAgent()] : [];
      return this.record(message, replies, undefined);
    }
    if (isRequest()) return undefined;
    const session = await this.deps.prisma.handoffSession.findUnique({ where: { id: mark.id } });
    const replyBy = session?.replyBy ?? this.replyBy(this.deps.queues.byName(session?.queue ?? ""), message.receivedAt);
    return this.record(message, [say.messageKept(describeInstant(replyBy, this.deps.timeZone))], { handoff: null });
  }

  /** "人工": a wait for an agent now, or a 留言 for the next service period. */
  async request(message: InboundMessage): Promise<ConversationOutcome> {
    const earlier = await storedOutcome(this.deps.prisma, message);
    if (earlier) return earlier;
    const now = message.receivedAt;
    const conversationId = conversationIdFor(message.channel, message.channelUserId);
    const queue = this.deps.queues.forChannel(message.channel);
    const status = requestedStatus(this.isOpen(queue, now));
    try {
      const { outcome, waiting } = await this.deps.prisma.$transaction(async (tx) => {
        // One request at a time per conversation (the row exists unless this is its first message).
        await tx.$queryRaw`SELECT 1 FROM "Conversation" WHERE "id" = ${conversationId} FOR UPDATE`;
        const open = await tx.handoffSession.findFirst({
          where: { conversationId, status: { in: ["waiting", "active", "message"] } },
          orderBy: { requestedAt: "desc" },
        });
        if (open && (open.status === "waiting" || open.status === "active")) {
          // The context lost its mark (it cannot, but then): the agent has the conversation.
          const mark: HandoffMark = { id: open.id, status: open.status };
          const replies = open.status === "waiting" ? [say.keptForAgent()] : [];
          return { outcome: await this.recordIn(tx, message, replies, { handoff: mark }) };
        }
        const id = open?.id ?? randomUUID();
        const replyBy = status === "message" ? (open?.replyBy ?? this.replyBy(queue, now)) : null;
        // A 留言 asked about again outside the hours keeps its place in the queue.
        const requestedAt = open && status === "message" ? open.requestedAt : now;
        const data = { status, requestedAt, replyBy };
        const text =
          status === "waiting"
            ? say.waitingForAgent(Math.max(1, Math.round(this.deps.pickupMs / 60_000)))
            : say.leaveAMessage(
                describeServiceHours(queue.hours),
                describeInstant(replyBy!, this.deps.timeZone),
                false,
              );
        const mark: HandoffMark = { id, status };
        // The exchange first: it creates the conversation the session belongs to.
        // The request answers whatever was offered (转人工服务 as option 1): the offer is spent.
        const outcome = await this.recordIn(tx, message, [text], { handoff: mark, offered: null });
        if (open) await tx.handoffSession.update({ where: { id }, data: { ...data, queue: queue.code } });
        else
          await tx.handoffSession.create({
            data: { id, conversationId, channel: message.channel, queue: queue.code, ...data },
          });
        return {
          outcome,
          waiting: status === "waiting" ? { handoffId: id, requestedAt: now.toISOString() } : undefined,
        };
      });
      // Before the answer, so the citizen's next message finds the mark in every process.
      // Redis down: the other processes' subscriptions are down too, and they read the database.
      await this.deps.marks?.announce(conversationId).catch(() => undefined);
      if (waiting) this.deps.scheduleTimeout?.(waiting, this.deps.pickupMs);
      return outcome;
    } catch (error) {
      if (error instanceof Duplicate) return (await storedOutcome(this.deps.prisma, message))!;
      throw error;
    }
  }

  /**
   * Nobody picked up in time: the wait becomes a 留言, the citizen is told when people
   * answer, and the bot answers again. Only the wait the job was set for, and only once
   * (the notice's dedupe key); returns whether it expired it.
   */
  async expire(job: HandoffTimeoutJob, now = new Date()): Promise<boolean> {
    const session = await this.deps.prisma.handoffSession.findUnique({
      where: { id: job.handoffId },
      select: { queue: true },
    });
    if (!session) return false;
    const queue = this.deps.queues.byName(session.queue);
    const replyBy = this.replyBy(queue, now);
    const expired = await this.deps.prisma.$transaction(async (tx) => {
      const to = nextStatus("timeout", "waiting")!;
      const rows = await tx.$queryRaw<{ conversationId: string }[]>`
        UPDATE "HandoffSession" SET "status" = ${to}, "replyBy" = ${replyBy}
        WHERE "id" = ${job.handoffId} AND "status" = 'waiting' AND "requestedAt" = ${new Date(job.requestedAt)}
        RETURNING "conversationId"`;
      const row = rows[0];
      if (!row) return false;
      await changeContext(tx, row.conversationId, { handoff: { id: job.handoffId, status: "message" } });
      const citizen = await tx.conversation.findUnique({ where: { id: row.conversationId } });
      if (citizen && speaksFirstOn(citizen.channel)) {
        const text = say.leaveAMessage(
          describeServiceHours(queue.hours),
          describeInstant(replyBy, this.deps.timeZone),
          true,
        );
        await notify(tx, {
          channel: citizen.channel,
          channelUserId: citizen.channelUserId,
          replies: [{ type: "text", text }],
          reason: `handoff:${job.handoffId}:timeout`,
          dedupeKey: `handoff:${job.handoffId}:timeout:${Date.parse(job.requestedAt)}`,
        });
      }
      return true;
    });
    if (expired) this.deps.onOutboxWritten?.();
    return expired;
  }

  /**
   * Waits past their pick-up time whose timeout job was lost (Redis lost its data, or was
   * down when the wait started): expired now, so no citizen waits for ever. Run by the
   * workers' reconciler; returns how many it expired.
   */
  async expireOverdue(now = new Date()): Promise<number> {
    const overdue = await this.deps.prisma.handoffSession.findMany({
      where: { status: "waiting", requestedAt: { lt: new Date(now.getTime() - this.deps.pickupMs - 60_000) } },
      select: { id: true, requestedAt: true },
      take: 500,
    });
    let expired = 0;
    for (const s of overdue)
      if (await this.expire({ handoffId: s.id, requestedAt: s.requestedAt.toISOString() }, now)) expired++;
    return expired;
  }

  private async record(
    message: InboundMessage,
    replies: string[],
    context: ContextChange | undefined,
  ): Promise<ConversationOutcome> {
    const earlier = await storedOutcome(this.deps.prisma, message);
    if (earlier) return earlier;
    try {
      return await this.deps.prisma.$transaction((tx) => this.recordIn(tx, message, replies, context));
    } catch (error) {
      if (error instanceof Duplicate) return (await storedOutcome(this.deps.prisma, message))!;
      throw error;
    }
  }

  /** Records the citizen's message with the hub's replies; a retry recorded first throws Duplicate. */
  private async recordIn(
    tx: Tx,
    message: InboundMessage,
    replies: string[],
    context: ContextChange | undefined,
  ): Promise<ConversationOutcome> {
    const outcome: ConversationOutcome = {
      replies: replies.map((text) => ({ type: "text", text })),
      understanding: UNDERSTOOD,
    };
    const written = await recordExchanges(tx, [
      { inboundId: randomUUID(), message, outcome, ...(context && { context }) },
    ]);
    if (written.length === 0) throw new Duplicate();
    return outcome;
  }
}
