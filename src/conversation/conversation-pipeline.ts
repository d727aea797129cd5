// One pipeline for every channel: understand the message, answer it in the light of
// the conversation (dialogue.ts) or escalate it, and record the exchange. Idempotent
// on (channel, channelMessageId): a retried message gets the stored answer, never a
// second ticket, and does not change the conversation's context again.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import { isUniqueViolation, type Tx } from "../db/transaction.ts";
import { nextTicketNumber, openTicket, TICKET_SUBMITTED } from "../tickets/open-ticket.ts";
import type { Understander, Understanding } from "../understanding/understander.ts";
import { readContext } from "./dialogue-context.ts";
import { needsContext, respond } from "./dialogue.ts";
import { ExchangeBatcher } from "./exchange-batcher.ts";
import { recordExchanges, storedOutcome } from "./message-log.ts";
import type { ConversationOutcome, InboundMessage } from "./messages.ts";
import * as say from "./reply-text.ts";

export interface PipelineOptions {
  timeZone: string;
  hotline: string;
  /** Called after a committed transaction wrote queue work, so it is relayed without waiting for the next poll. */
  onOutboxWritten?: () => void;
  /** Asked first: answers follow-ups about tickets (查询工单, ratings, 补充 …); see src/cases/citizen-desk.ts. */
  ticketDesk?: { handle(message: InboundMessage): Promise<ConversationOutcome | undefined> };
}

class DuplicateMessage extends Error {}

export class ConversationPipeline {
  private readonly batcher: ExchangeBatcher;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly understander: () => Understander,
    private readonly options: PipelineOptions,
  ) {
    this.batcher = new ExchangeBatcher(prisma);
  }

  async handle(message: InboundMessage): Promise<ConversationOutcome> {
    const followUp = await this.options.ticketDesk?.handle(message);
    if (followUp) return followUp;
    // One catalog version for the whole message, even if a reload lands meanwhile.
    const understander = this.understander();
    const understanding = understander.understand(message.text);
    try {
      const outcome =
        understanding.kind === "complaint" || understanding.kind === "suggestion"
          ? await this.handleWithSideEffects(message, understanding)
          : await this.answer(message, understanding, understander);
      return outcome ?? (await this.earlierOutcome(message));
    } catch (error) {
      // A concurrent retry of the same message committed first: answer as it did.
      if (error instanceof DuplicateMessage || isUniqueViolation(error)) return this.earlierOutcome(message);
      throw error;
    }
  }

  /**
   * Questions, greetings, hand-offs: the exchange (with the new context and, when the
   * hub could not answer, the unanswered question) is the only record, written in a
   * shared batch. The context is read only for messages that depend on it.
   */
  private async answer(message: InboundMessage, understanding: Understanding, understander: Understander): Promise<ConversationOutcome | undefined> {
    const context = needsContext(understanding) ? await readContext(this.prisma, message) : undefined;
    const turn = respond(understanding, context, { hotline: this.options.hotline, item: (code) => understander.item(code) });
    const outcome: ConversationOutcome = { replies: turn.replies, understanding: turn.understanding };
    const recorded = await this.batcher.record({
      inboundId: randomUUID(),
      message,
      outcome,
      ...(turn.context && { context: turn.context }),
      ...(turn.unanswered && { unanswered: { id: randomUUID(), candidates: understanding.candidates } }),
    });
    return recorded ? outcome : undefined;
  }

  /** Complaints and suggestions write more than the exchange, in one transaction. */
  private async handleWithSideEffects(message: InboundMessage, understanding: Understanding): Promise<ConversationOutcome | undefined> {
    // Retries are the common duplicate here (WeChat retries slow answers): skip the work.
    const earlier = await storedOutcome(this.prisma, message);
    if (earlier) return earlier;
    // Taken outside the transaction, so the day's counter row is locked only for an instant.
    const ticketNumber =
      understanding.kind === "complaint" ? await nextTicketNumber(this.prisma, this.options.timeZone, message.receivedAt) : undefined;
    const outcome: ConversationOutcome = ticketNumber
      ? {
          replies: [{ type: "text", text: say.complaintReceived(ticketNumber, this.options.hotline) }],
          understanding: summarize(understanding),
          ticket: { number: ticketNumber, status: TICKET_SUBMITTED },
        }
      : { replies: [{ type: "text", text: say.suggestionReceived() }], understanding: summarize(understanding) };

    await this.prisma.$transaction(async (tx) => {
      // The exchange goes first: a concurrent retry stops here, before any ticket exists.
      const [recorded] = await recordExchanges(tx, [{ inboundId: randomUUID(), message, outcome }]);
      if (!recorded) throw new DuplicateMessage();
      if (ticketNumber) await this.fileTicket(tx, message, understanding, { ...recorded, ticketNumber });
      else await this.recordSuggestion(tx, message, understanding, recorded.inboundId);
    });
    // The ticket's routing job is in the outbox: relay it now rather than at the next poll.
    if (outcome.ticket) this.options.onOutboxWritten?.();
    return outcome;
  }

  private fileTicket(
    tx: Tx,
    message: InboundMessage,
    understanding: Understanding,
    ids: { conversationId: string; inboundId: string; ticketNumber: string },
  ) {
    return openTicket(
      tx,
      {
        number: ids.ticketNumber,
        kind: "complaint",
        text: message.text,
        domain: understanding.domain,
        channel: message.channel,
        channelUserId: message.channelUserId,
        conversationId: ids.conversationId,
        sourceMessageId: ids.inboundId,
      },
      message.receivedAt,
    );
  }

  private async recordSuggestion(tx: Tx, message: InboundMessage, understanding: Understanding, inboundId: string): Promise<void> {
    await tx.feedback.create({
      data: {
        kind: "suggestion",
        channel: message.channel,
        channelUserId: message.channelUserId,
        text: message.text,
        domain: understanding.domain ?? null,
        sourceMessageId: inboundId,
      },
    });
  }

  private async earlierOutcome(message: InboundMessage): Promise<ConversationOutcome> {
    const outcome = await storedOutcome(this.prisma, message);
    if (!outcome) throw new Error(`message ${message.channel}/${message.channelMessageId} conflicted but has no stored outcome`);
    return outcome;
  }
}

function summarize(understanding: Understanding): ConversationOutcome["understanding"] {
  return {
    kind: understanding.kind,
    confidence: understanding.confidence,
    ...(understanding.serviceItem && { serviceItem: { code: understanding.serviceItem.code, name: understanding.serviceItem.name } }),
  };
}
