// The citizen's side of a ticket in chat: status queries, ratings (好差评), additions
// and disputes (see citizen-commands.ts for what is recognized). The conversation
// pipeline asks the desk first; anything that is not about a ticket goes on to
// language understanding. Each answer is recorded like every exchange, in the same
// transaction as the ticket action it caused, so a retried message (same channel
// message id) gets the same answer and never acts twice.
import { COMPLAINT_KINDS } from "../tickets/ticket-kind.ts";
import { randomUUID } from "node:crypto";
import { conversationIdFor } from "./conversation-id.ts";
import { recordExchanges, storedOutcome } from "./message-log.ts";
import type { Channel, ConversationOutcome, InboundMessage, Reply } from "../messages/messages.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { Supplement, TicketAction } from "../tickets/lifecycle.ts";
import { POOR_RATING_MAX } from "../tickets/rating.ts";
import { ActionRejected, type Applied, type TicketActions } from "../cases/ticket-actions.ts";
import { OPEN_STATUSES, type TicketStatus } from "../tickets/ticket-status.ts";
import { type CitizenCommand, parseCitizenCommand } from "./citizen-commands.ts";
import { deskReply, ticketStatus } from "./desk-replies.ts";
import { latestTickets } from "./latest-tickets.ts";
import { type ContextChange, readContext } from "./conversation-context.ts";
import { placeNames, textSimilarity } from "../cases/similarity.ts";

export interface CitizenDeskDeps {
  prisma: PrismaClient;
  actions: TicketActions;
  departmentName(code: string | null): string;
  hotline: string;
  timeZone: string;
  reopenDays: number;
  /** How long after filing a photo or location a citizen sends is added to the ticket. */
  supplementWindowHours: number;
  /** How alike a citizen's new complaint and their open one must be to be the same (CASE_DUPLICATE_SIMILARITY). */
  repeatSimilarity: number;
}

/** What the caller adds to an answer: replies before it, and a change to the conversation's context. */
export interface AnswerExtras {
  replies: string[];
  context?: ContextChange;
}

interface Citizen {
  channel: Channel;
  channelUserId: string;
}

/** A desk answer: what to say, the ticket it is about, and the action to apply (if any). */
interface Answer {
  text: string;
  quickReplies?: Reply["quickReplies"];
  ticket?: Ticket;
  act?: { ticketId: string; action: TicketAction };
  /** The reply once the action is applied (it may depend on the result). */
  after?: (applied: Applied) => string;
  extras?: AnswerExtras;
}

class Duplicate extends Error {}

const OPEN: readonly string[] = OPEN_STATUSES;
/** Where the lifecycle takes a supplement. */
const SUPPLEMENTABLE = OPEN_STATUSES.filter((s) => s !== "review");

export class CitizenDesk {
  constructor(private readonly deps: CitizenDeskDeps) {}

  /** The conversation pipeline's hook: an outcome for ticket follow-ups, undefined for anything else. */
  async handle(message: InboundMessage): Promise<ConversationOutcome | undefined> {
    const command = parseCitizenCommand(message.text);
    if (!command) return undefined;
    const answer = await this.answer(message, command);
    if (!answer) return undefined;
    const earlier = await storedOutcome(this.deps.prisma, message);
    if (earlier) return earlier;
    try {
      return await this.commit(message, answer);
    } catch (error) {
      if (error instanceof Duplicate) return (await storedOutcome(this.deps.prisma, message))!;
      throw error;
    }
  }

  /**
   * A complaint the citizen already made and is still open: the new words join that
   * ticket as a supplement instead of filing another (three identical reports are one
   * case). Undefined when there is no such ticket.
   */
  async joinRepeat(
    message: InboundMessage,
    text: string,
    extras: AnswerExtras,
  ): Promise<ConversationOutcome | undefined> {
    const open = await this.deps.prisma.ticket.findMany({
      // A complaint repeats a complaint, not the citizen's suggestion or praise.
      where: { ...this.owner(message), status: { in: SUPPLEMENTABLE }, kind: { in: [...COMPLAINT_KINDS] } },
      orderBy: { createdAt: "desc" },
      take: 20,
    });
    const same = open.find((ticket) => this.isRepeat(ticket.text, text));
    if (!same) return undefined;
    const earlier = await storedOutcome(this.deps.prisma, message);
    if (earlier) return earlier;
    const answer: Answer = {
      text: "",
      ticket: same,
      act: { ticketId: same.id, action: { type: "supplement", content: { kind: "text", text } } },
      after: () => deskReply.repeatJoined(same.number),
      extras,
    };
    try {
      return await this.commit(message, answer);
    } catch (error) {
      if (error instanceof Duplicate) return (await storedOutcome(this.deps.prisma, message))!;
      throw error;
    }
  }

  /** Alike as text, and about the same place when both name one. */
  private isRepeat(earlier: string, now: string): boolean {
    if (textSimilarity(earlier, now, []) < this.deps.repeatSimilarity) return false;
    const [a, b] = [placeNames(earlier, []), placeNames(now, [])];
    return a.size === 0 || b.size === 0 || [...a].some((place) => b.has(place));
  }

  /**
   * The ticket a photo, video or location the citizen sends goes to: their latest open
   * ticket filed within the supplement window, or one waiting for them (suspended).
   */
  async supplementTarget(citizen: Citizen, now = new Date()): Promise<Ticket | undefined> {
    const since = new Date(now.getTime() - this.deps.supplementWindowHours * 3600 * 1000);
    const ticket = await this.deps.prisma.ticket.findFirst({
      where: {
        ...this.owner(citizen),
        status: { in: SUPPLEMENTABLE },
        OR: [{ createdAt: { gte: since } }, { status: "suspended" }],
      },
      orderBy: { createdAt: "desc" },
    });
    return ticket ?? undefined;
  }

  /**
   * The one way anything a citizen sends is added to a ticket, whichever the channel
   * (a typed 补充, a WeChat photo, a Weibo location): the `supplement` action, an event
   * on the ticket's hash-chained history; a suspended ticket resumes. In the caller's
   * transaction; the caller then runs afterCommit() with what it returns.
   */
  supplementIn(tx: Tx, ticketId: string, supplement: Supplement, citizen: Citizen, now: Date): Promise<Applied[]> {
    return this.deps.actions.applyIn(
      tx,
      { id: ticketId },
      { type: "supplement", content: supplement },
      `citizen:${citizen.channel}`,
      { now },
    );
  }

  /** What must follow a committed supplementIn() (a resumed ticket's deadline timers). */
  afterCommit(applied: Applied[]): Promise<void> {
    return this.deps.actions.afterCommit(applied);
  }

  private async answer(message: InboundMessage, command: CitizenCommand): Promise<Answer | undefined> {
    switch (command.kind) {
      case "query":
        return command.number ? this.queryOne(message, command.number) : this.queryLatest(message);
      case "supplement":
        return this.supplement(message, command.number, command.text);
      case "dispute":
        return this.dispute(message, command.number, command.reason);
      case "rating":
        return this.rate(message, command.rating, command.comment, command.byWord);
    }
  }

  private async queryOne(citizen: Citizen, number: string): Promise<Answer> {
    const ticket = await this.deps.prisma.ticket.findUnique({
      where: { number },
      include: { parent: { select: { number: true, status: true } } },
    });
    if (!ticket) return { text: deskReply.notFound(number) };
    const text = ticketStatus(
      {
        number: ticket.number,
        status: ticket.status as TicketStatus,
        createdAt: ticket.createdAt,
        departmentName: ticket.departmentCode ? this.deps.departmentName(ticket.departmentCode) : null,
        deadlineAt: ticket.deadlineAt,
        clockRunning: ticket.dueRunningSince !== null,
        resolution: ticket.resolution,
        ...(ticket.parent && {
          parent: { number: ticket.parent.number, status: ticket.parent.status as TicketStatus },
        }),
        own: this.isOwn(citizen, ticket),
      },
      this.deps.timeZone,
    );
    return { text, ticket };
  }

  private queryLatest(citizen: Citizen): Promise<Answer> {
    return latestTickets(this.deps.prisma, citizen, this.deps);
  }

  private async supplement(citizen: Citizen, number: string | undefined, text: string): Promise<Answer> {
    const ticket = number
      ? await this.deps.prisma.ticket.findUnique({ where: { number } })
      : await this.deps.prisma.ticket.findFirst({
          where: { ...this.owner(citizen), status: { in: [...OPEN] } },
          orderBy: { createdAt: "desc" },
        });
    if (!ticket) return { text: number ? deskReply.notFound(number) : deskReply.noOpenTicket() };
    if (!this.isOwn(citizen, ticket)) return { text: deskReply.notYours(ticket.number) };
    if (!(SUPPLEMENTABLE as readonly string[]).includes(ticket.status)) {
      return { text: deskReply.cannotSupplement(ticket.number, ticket.status as TicketStatus), ticket };
    }
    return {
      text: "",
      ticket,
      act: { ticketId: ticket.id, action: { type: "supplement", content: { kind: "text", text } } },
      after: (applied) => deskReply.supplemented(ticket.number, applied.transition.from === "suspended"),
    };
  }

  private async dispute(citizen: Citizen, number: string | undefined, reason: string | undefined): Promise<Answer> {
    const ticket = number
      ? await this.deps.prisma.ticket.findUnique({ where: { number } })
      : await this.deps.prisma.ticket.findFirst({
          where: { ...this.owner(citizen), status: { in: ["resolved", "closed"] }, resolvedAt: { not: null } },
          orderBy: { resolvedAt: "desc" },
        });
    if (!ticket) return { text: number ? deskReply.notFound(number) : deskReply.noResolvedTicket() };
    if (!this.isOwn(citizen, ticket)) return { text: deskReply.notYours(ticket.number) };
    if (ticket.status !== "resolved" && ticket.status !== "closed")
      return { text: deskReply.cannotReopen(ticket.number, ticket.status as TicketStatus), ticket };
    const windowEnds = (ticket.resolvedAt?.getTime() ?? 0) + this.deps.reopenDays * 24 * 3600 * 1000;
    if (Date.now() > windowEnds)
      return { text: deskReply.tooLateToReopen(ticket.number, this.deps.reopenDays), ticket };
    return {
      text: "",
      ticket,
      act: { ticketId: ticket.id, action: { type: "reopen", reason: reason ?? "群众对办理结果有异议" } },
      after: (applied) => deskReply.reopened(ticket.number, this.deps.departmentName(applied.ticket.departmentCode)),
    };
  }

  /** Undefined when no ticket awaits this citizen's rating: the message is not a rating then. */
  private async rate(
    message: InboundMessage,
    rating: number,
    comment: string | undefined,
    byWord: boolean,
  ): Promise<Answer | undefined> {
    const ticket = await this.deps.prisma.ticket.findFirst({
      where: { ...this.owner(message), status: "resolved", ratingRequestedAt: { not: null } },
      orderBy: { ratingRequestedAt: "desc" },
    });
    if (!ticket) return undefined;
    // A digit with a comment ("5 处理很及时") is a rating. A bare digit is one unless the
    // hub numbered options after the rating request (then "2" picks the second: numbered-options.ts).
    if (!byWord && !comment && (await this.picksAnOption(message, rating, ticket.ratingRequestedAt!))) return undefined;
    return {
      text: "",
      ticket,
      act: { ticketId: ticket.id, action: { type: "rate", rating, ...(comment && { comment }) } },
      after: (applied) =>
        rating > POOR_RATING_MAX
          ? deskReply.rated(ticket.number, rating)
          : applied.ticket.status === "review"
            ? deskReply.ratedReview(ticket.number)
            : deskReply.ratedReopened(ticket.number, this.deps.departmentName(applied.ticket.departmentCode)),
    };
  }

  /** Options numbered in reply to a message the citizen sent after `since`, as many as the digit. */
  private async picksAnOption(message: InboundMessage, digit: number, since: Date): Promise<boolean> {
    const { offered } = await readContext(this.deps.prisma, message, message.receivedAt);
    if ((offered?.length ?? 0) < digit) return false;
    const later = await this.deps.prisma.message.findFirst({
      where: {
        conversationId: conversationIdFor(message.channel, message.channelUserId),
        direction: "in",
        createdAt: { gt: since },
      },
      select: { id: true },
    });
    return later !== null;
  }

  /** Records the exchange and applies the action, in one transaction. */
  private async commit(message: InboundMessage, answer: Answer): Promise<ConversationOutcome> {
    const actions = this.deps.actions;
    let applied: Applied[] = [];
    const outcome = await actions.transaction(async (tx: Tx) => {
      let text = answer.text;
      let ticket = answer.ticket;
      if (answer.act) {
        try {
          applied = await actions.applyIn(
            tx,
            { id: answer.act.ticketId },
            answer.act.action,
            `citizen:${message.channel}`,
            { now: message.receivedAt },
          );
          ticket = applied[0]!.ticket;
          text = answer.after!(applied[0]!);
        } catch (error) {
          // The ticket moved on since we looked (e.g. staff closed it): say where it stands.
          if (!(error instanceof ActionRejected) || !ticket) throw error;
          text = ticketStatus(
            {
              number: ticket.number,
              status: ticket.status as TicketStatus,
              createdAt: ticket.createdAt,
              departmentName: this.deps.departmentName(ticket.departmentCode),
              deadlineAt: null,
              clockRunning: false,
              resolution: null,
              own: true,
            },
            this.deps.timeZone,
          );
          applied = [];
        }
      }
      const result: ConversationOutcome = {
        replies: [
          ...(answer.extras?.replies ?? []).map((before): Reply => ({ type: "text", text: before })),
          { type: "text", text, ...(answer.quickReplies && { quickReplies: answer.quickReplies }) },
        ],
        understanding: { kind: "complaint", confidence: 1 },
        ...(ticket && { ticket: { number: ticket.number, status: ticket.status } }),
      };
      const [recorded] = await recordExchanges(tx, [
        {
          inboundId: randomUUID(),
          message,
          outcome: result,
          ...(answer.extras?.context && { context: answer.extras.context }),
        },
      ]);
      if (!recorded) throw new Duplicate();
      return result;
    });
    if (applied.length > 0) await actions.afterCommit(applied);
    return outcome;
  }

  private owner(citizen: Citizen) {
    return { channel: citizen.channel, channelUserId: citizen.channelUserId };
  }

  private isOwn(citizen: Citizen, ticket: Ticket): boolean {
    return ticket.channel === citizen.channel && ticket.channelUserId === citizen.channelUserId;
  }
}
