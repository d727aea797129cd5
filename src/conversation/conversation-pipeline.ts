// One pipeline for every channel: understand the message, answer it in the light of
// the conversation (dialogue.ts) or escalate it, and record the exchange. Idempotent
// on (channel, channelMessageId): a retried message gets the stored answer, never a
// second ticket, and does not change the conversation's context again.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import { isUniqueViolation } from "../db/transaction.ts";
import { planTicket, TICKET_SUBMITTED } from "../cases/open-ticket.ts";
import type { Understander, Understanding } from "../language/understander.ts";
import { type ConversationContext, dialogueChange, readContext } from "./conversation-context.ts";
import { needsContext, respond } from "./dialogue.ts";
import { ExchangeBatcher } from "./exchange-batcher.ts";
import { bareNumber, chosenOption } from "./numbered-options.ts";
import { conversationIdFor } from "./conversation-id.ts";
import { storedOutcome } from "./message-log.ts";
import { cleanMessage } from "../messages/clean-text.ts";
import type { ConversationOutcome, InboundMessage } from "../messages/messages.ts";
import * as say from "./reply-text.ts";

export interface PipelineOptions {
  timeZone: string;
  hotline: string;
  /** Called after a committed transaction wrote queue work, so it is relayed without waiting for the next poll. */
  onOutboxWritten?: () => void;
  /** Asked first: answers follow-ups about tickets (查询工单, ratings, 补充 …); see src/conversation/citizen-desk.ts. */
  ticketDesk?: { handle(message: InboundMessage): Promise<ConversationOutcome | undefined> };
}

export class ConversationPipeline {
  private readonly batcher: ExchangeBatcher;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly understander: () => Understander,
    private readonly options: PipelineOptions,
  ) {
    this.batcher = new ExchangeBatcher(prisma, {
      timeZone: options.timeZone,
      ...(options.onOutboxWritten && { onOutboxWritten: options.onOutboxWritten }),
    });
  }

  async handle(received: InboundMessage): Promise<ConversationOutcome> {
    // Every channel passes here: a NUL or a lone surrogate is cleaned once, before anything
    // reads the text, so the answer, the ticket's hash and the stored text agree.
    const message = cleanMessage(received);
    const followUp = await this.options.ticketDesk?.handle(message);
    if (followUp) return followUp;
    // Not a rating: a bare number stands for the numbered option it picks (numbered-options.ts).
    const context =
      bareNumber(message.text) !== undefined ? await readContext(this.prisma, message, message.receivedAt) : undefined;
    const said = (context && chosenOption(message.text, context)) ?? message.text;
    // One catalog version for the whole message, even if a reload lands meanwhile.
    const understander = this.understander();
    const understanding = understander.understand(said);
    try {
      const outcome =
        understanding.kind === "complaint" || understanding.kind === "suggestion"
          ? await this.fileWithSideEffects(message, understanding)
          : await this.answer(message, understanding, understander, context);
      return outcome ?? (await this.earlierOutcome(message));
    } catch (error) {
      // A concurrent retry of the same message committed first: answer as it did.
      if (isUniqueViolation(error)) return this.earlierOutcome(message);
      throw error;
    }
  }

  /**
   * Questions, greetings, hand-offs: the exchange (with the new context and, when the
   * hub could not answer, the unanswered question) is the only record, written in a
   * shared batch. The context is read only for messages that depend on it.
   */
  private async answer(
    message: InboundMessage,
    understanding: Understanding,
    understander: Understander,
    read: ConversationContext | undefined,
  ): Promise<ConversationOutcome | undefined> {
    const context =
      read ?? (needsContext(understanding) ? await readContext(this.prisma, message, message.receivedAt) : undefined);
    const turn = respond(understanding, context, {
      hotline: this.options.hotline,
      item: (code) => understander.item(code),
    });
    const outcome: ConversationOutcome = { replies: turn.replies, understanding: turn.understanding };
    return this.batcher.record({
      message,
      build: () => ({
        inboundId: randomUUID(),
        message,
        outcome,
        ...(turn.context && { context: dialogueChange(turn.context, turn.replies) }),
        ...(turn.unanswered && { unanswered: { id: randomUUID(), candidates: understanding.candidates } }),
      }),
    });
  }

  /**
   * Complaints and suggestions: the ticket (with its first event and routing job) or the
   * feedback is written by the same statement as the message, shared with concurrent
   * messages (see ExchangeBatcher), so it is durable before the citizen hears the number.
   */
  private fileWithSideEffects(
    message: InboundMessage,
    understanding: Understanding,
  ): Promise<ConversationOutcome | undefined> {
    const complaint = understanding.kind === "complaint";
    return this.batcher.record({
      message,
      files: true,
      numbered: complaint,
      build: (ticketNumber) => {
        const inboundId = randomUUID();
        if (!complaint) {
          const outcome = {
            replies: [{ type: "text" as const, text: say.suggestionReceived() }],
            understanding: summarize(understanding),
          };
          return {
            inboundId,
            message,
            outcome,
            feedback: { kind: "suggestion", domain: understanding.domain ?? null },
          };
        }
        if (!ticketNumber) throw new Error("a complaint's exchange was built without its ticket number");
        const outcome: ConversationOutcome = {
          replies: [{ type: "text", text: say.complaintReceived(ticketNumber, this.options.hotline) }],
          understanding: summarize(understanding),
          ticket: { number: ticketNumber, status: TICKET_SUBMITTED },
        };
        const ticket = planTicket(
          {
            number: ticketNumber,
            kind: "complaint",
            text: message.text,
            domain: understanding.domain,
            channel: message.channel,
            channelUserId: message.channelUserId,
            conversationId: conversationIdFor(message.channel, message.channelUserId),
            sourceMessageId: inboundId,
          },
          message.receivedAt,
        );
        return { inboundId, message, outcome, ticket };
      },
    });
  }

  private async earlierOutcome(message: InboundMessage): Promise<ConversationOutcome> {
    const outcome = await storedOutcome(this.prisma, message);
    if (!outcome)
      throw new Error(`message ${message.channel}/${message.channelMessageId} conflicted but has no stored outcome`);
    return outcome;
  }
}

function summarize(understanding: Understanding): ConversationOutcome["understanding"] {
  return {
    kind: understanding.kind,
    confidence: understanding.confidence,
    ...(understanding.serviceItem && {
      serviceItem: { code: understanding.serviceItem.code, name: understanding.serviceItem.name },
    }),
  };
}
