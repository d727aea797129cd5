// One pipeline for every channel: understand the message, answer it in the light of
// the conversation (dialogue.ts) or escalate it, and record the exchange. Idempotent
// on (channel, channelMessageId): a retried message gets the stored answer, never a
// second ticket, and does not change the conversation's context again.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/database.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { isUniqueViolation } from "../db/transaction.ts";
import { type PlannedTicket, planTicket, TICKET_SUBMITTED } from "../cases/open-ticket.ts";
import { logTicketFiled } from "../cases/ticket-event-log.ts";
import type { Logger } from "../logger.ts";
import type { Understander, Understanding } from "../language/understander.ts";
import { type ContextChange, type ConversationContext, dialogueChange, readContext } from "./conversation-context.ts";
import { needsContext, respond } from "./dialogue.ts";
import { ExchangeBatcher } from "./exchange-batcher.ts";
import { bareNumber, chosenOption } from "./numbered-options.ts";
import { conversationIdFor } from "./conversation-id.ts";
import { storedOutcome } from "./message-log.ts";
import { cleanMessage } from "../messages/clean-text.ts";
import type { ConversationOutcome, InboundMessage, Reply } from "../messages/messages.ts";
import * as say from "./reply-text.ts";
import type { CitizenDesk } from "./citizen-desk.ts";
import { type IntakeDecision, intakeTurn } from "./complaint-intake.ts";
import type { IntakeRules } from "../knowledge/intake-rules.ts";
import type { IntakeReminderJob } from "./intake-reminder.ts";
import type { HandoffDesk } from "./handoff-desk.ts";
import type { UnmarkedConversations } from "./unmarked-conversations.ts";
import type { TicketKind } from "../tickets/ticket-kind.ts";

export interface PipelineOptions {
  timeZone: string;
  hotline: string;
  /** Called after a committed transaction wrote queue work, so it is relayed without waiting for the next poll. */
  onOutboxWritten?: () => void;
  /** Asked first: answers follow-ups about tickets (查询工单, ratings, 补充 …); see src/conversation/citizen-desk.ts. */
  ticketDesk?: Pick<CitizenDesk, "handle" | "joinRepeat">;
  /** Complaint intake (complaint-intake.ts); without it a complaint is filed as it comes. */
  intake?: {
    rules: () => IntakeRules;
    dropAfterMs: number;
    /** Schedules the one reminder of an intake that just started (intake-reminder.ts). */
    remindLater?: (job: IntakeReminderJob) => void;
  };
  /** Hand-off to a person (人工, handoff-desk.ts); without it "人工" gets the hotline only. */
  handoff?: Pick<HandoffDesk, "hold" | "request">;
  /** The driver, for the context read of every message (cheaper than Prisma's raw query); else Prisma. */
  sql?: SqlRunner;
  /** Conversations known to have no hand-off mark: their context is read only when needed. */
  unmarked?: Pick<UnmarkedConversations, "readUnlessUnmarked">;
  /** Where a filed ticket is logged (src/cases/ticket-event-log.ts); without it nothing is. */
  log?: Logger;
}

/** Messages that may concern a complaint being taken down; a confident service answer does not. */
function mayConcernIntake(u: Understanding): boolean {
  return u.kind === "complaint" || u.kind === "unknown" || (u.kind === "service" && u.decision !== "answer");
}

const textReply = (text: string): Reply => ({ type: "text", text });

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

  /** Answers one inbound message (`retried`: this is the second try after a write conflict, below). */
  async handle(received: InboundMessage, retried = false): Promise<ConversationOutcome> {
    // Every channel passes here: a NUL or a lone surrogate is cleaned once, before anything
    // reads the text, so the answer, the ticket's hash and the stored text agree.
    const message = cleanMessage(received);
    // Waiting for or talking with an agent: the message is the agent's, not the bot's. The
    // hand-off mark is in the context, so with hand-off on it is read first, once, for all
    // (unless the conversation is known to have none).
    const handoff = this.options.handoff;
    const unmarked = this.options.unmarked;
    let read = !handoff
      ? undefined
      : unmarked
        ? await unmarked.readUnlessUnmarked(conversationIdFor(message.channel, message.channelUserId), () =>
            this.readContext(message),
          )
        : await this.readContext(message);
    const held = await handoff?.hold(
      message,
      read?.handoff,
      () => this.understander().understand(message.text).kind === "handoff",
    );
    if (held) return held;
    const followUp = await this.options.ticketDesk?.handle(message);
    if (followUp) return followUp;
    // Not a rating: a bare number stands for the numbered option it picks (numbered-options.ts).
    if (bareNumber(message.text) !== undefined) read ??= await this.readContext(message);
    const said = (read && chosenOption(message.text, read)) ?? message.text;
    // One catalog version for the whole message, even if a reload lands meanwhile.
    const understander = this.understander();
    const understanding = understander.understand(said);
    if (handoff && understanding.kind === "handoff") return handoff.request(message);
    try {
      const intake = this.options.intake;
      if (intake && mayConcernIntake(understanding)) {
        read ??= await this.readContext(message);
        const decision = intakeTurn(
          intake.rules(),
          read.intake,
          {
            text: said,
            isComplaint: understanding.kind === "complaint",
            now: message.receivedAt,
            timeZone: this.options.timeZone,
            hotline: this.options.hotline,
            ...(message.place && { knownPlace: message.place.name }),
          },
          intake,
        );
        if (decision.type !== "pass")
          return (await this.takeDown(message, understanding, understander, decision)) ?? this.earlierOutcome(message);
      }
      const outcome = filesATicket(understanding)
        ? await this.fileWithSideEffects(message, understanding)
        : await this.answer(message, understanding, understander, read);
      return outcome ?? (await this.earlierOutcome(message));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent retry of the same message committed first: answer as it did. Or two first
      // messages of a new conversation collided on its row (channel, user): this one was not
      // stored, and is handled once more, now that the conversation exists.
      const earlier = await storedOutcome(this.prisma, message);
      if (earlier) return earlier;
      if (!retried) return this.handle(received, true);
      throw error;
    }
  }

  /**
   * A location sent while a complaint is being taken down: it is the complaint's place
   * (complaint-intake.ts), which may complete it. Undefined when no intake is running:
   * the location is then only material (evidence.ts). Idempotent like handle().
   */
  async locate(message: InboundMessage, place: string): Promise<ConversationOutcome | undefined> {
    const intake = this.options.intake;
    if (!intake) return undefined;
    const stored = await storedOutcome(this.prisma, message);
    if (stored) return stored;
    const context = await this.readContext(message);
    const decision = intakeTurn(
      intake.rules(),
      context.intake,
      {
        text: `位置：${place}`,
        isComplaint: false,
        now: message.receivedAt,
        timeZone: this.options.timeZone,
        hotline: this.options.hotline,
        place,
      },
      intake,
    );
    if (decision.type === "pass") return undefined;
    const understanding: Understanding = { kind: "complaint", confidence: 1, candidates: [] };
    try {
      return (
        (await this.takeDown(message, understanding, this.understander(), decision)) ??
        (await this.earlierOutcome(message))
      );
    } catch (error) {
      if (isUniqueViolation(error)) return this.earlierOutcome(message);
      throw error;
    }
  }

  private readContext(message: InboundMessage): Promise<ConversationContext> {
    return readContext(this.options.sql ?? this.prisma, message, message.receivedAt);
  }

  /**
   * A step of complaint intake: ask for what is missing, drop it, or file it — as a
   * supplement to the citizen's own open ticket when it repeats one (citizen-desk.ts).
   */
  private async takeDown(
    message: InboundMessage,
    understanding: Understanding,
    understander: Understander,
    decision: Exclude<IntakeDecision, { type: "pass" }>,
  ): Promise<ConversationOutcome | undefined> {
    const understood = { kind: "complaint" as const, confidence: understanding.confidence };
    if (decision.type === "file") {
      const done: ContextChange = { intake: null };
      const joined = await this.options.ticketDesk?.joinRepeat(message, decision.text, {
        replies: decision.replies,
        context: done,
      });
      if (joined) return joined;
      // The domain of the whole complaint, not of the last answer ("人民路88号").
      const whole = understander.understand(decision.text);
      return this.fileWithSideEffects(
        message,
        { ...whole, kind: "complaint" },
        {
          text: decision.text,
          replies: decision.replies,
          context: done,
        },
      );
    }
    const context: ContextChange =
      decision.type === "ask"
        ? // Photos and locations sent meanwhile are held for the complaint (evidence.ts).
          { intake: decision.state, complaintStartedAt: decision.state.startedAt }
        : { intake: null, complaintStartedAt: null };
    const outcome: ConversationOutcome = { replies: decision.replies.map(textReply), understanding: understood };
    const recorded = await this.batcher.record({
      message,
      build: () => ({ inboundId: randomUUID(), message, outcome, context }),
    });
    if (recorded && decision.type === "ask" && decision.state.asked === 1) {
      this.options.intake?.remindLater?.({
        channel: message.channel,
        channelUserId: message.channelUserId,
        startedAt: decision.state.startedAt,
      });
    }
    return recorded;
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
    const context = read ?? (needsContext(understanding) ? await this.readContext(message) : undefined);
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
   * Complaints, suggestions (建言) and praise (表扬): the ticket, with its first event and
   * routing job, is written by the same statement as the message, shared with concurrent
   * messages (see ExchangeBatcher), so it is durable before the citizen hears the number.
   */
  private async fileWithSideEffects(
    message: InboundMessage,
    understanding: Understanding,
    intake?: { text: string; replies: string[]; context: ContextChange },
  ): Promise<ConversationOutcome | undefined> {
    const kind = ticketKindOf(understanding);
    let planned: PlannedTicket | undefined;
    const outcome = await this.batcher.record({
      message,
      files: true,
      numbered: true,
      build: (ticketNumber) => {
        const inboundId = randomUUID();
        if (!ticketNumber) throw new Error(`a ${kind}'s exchange was built without its ticket number`);
        const outcome: ConversationOutcome = {
          replies: [
            ...(intake?.replies ?? []).map(textReply),
            textReply(this.received(kind, ticketNumber, understanding)),
          ],
          understanding: summarize(understanding),
          ticket: { number: ticketNumber, status: TICKET_SUBMITTED },
        };
        const ticket = planTicket(
          {
            number: ticketNumber,
            kind,
            text: intake?.text ?? message.text,
            domain: understanding.domain,
            channel: message.channel,
            channelUserId: message.channelUserId,
            conversationId: conversationIdFor(message.channel, message.channelUserId),
            sourceMessageId: inboundId,
            // Known from the channel (a community group's place): routing reads the district.
            ...(message.place && {
              district: message.place.district,
              address: message.place.address,
              details: { place: { code: message.place.code, level: message.place.level } },
            }),
          },
          message.receivedAt,
        );
        planned = ticket;
        return { inboundId, message, outcome, ticket, ...(intake && { context: intake.context }) };
      },
    });
    // An outcome means this message's exchange (and its ticket) was written now; a retry gets none.
    if (outcome && planned && this.options.log) {
      const { id, number, channel } = planned;
      logTicketFiled(this.options.log, { ticketId: id, ticketNumber: number, kind, channel }, `citizen:${channel}`);
    }
    return outcome;
  }

  /** What the citizen is told once it is filed. */
  private received(kind: TicketKind, ticketNumber: string, understanding: Understanding): string {
    if (kind === "suggestion") return say.suggestionReceived(ticketNumber);
    if (kind === "praise") return say.praiseReceived(ticketNumber, understanding.department?.name);
    return say.complaintReceived(ticketNumber, this.options.hotline);
  }

  private async earlierOutcome(message: InboundMessage): Promise<ConversationOutcome> {
    const outcome = await storedOutcome(this.prisma, message);
    if (!outcome)
      throw new Error(`message ${message.channel}/${message.channelMessageId} conflicted but has no stored outcome`);
    return outcome;
  }
}

/** Messages that file a ticket as they come (a complaint may first go through intake). */
function filesATicket(u: Understanding): boolean {
  return u.kind === "complaint" || u.kind === "suggestion" || u.kind === "praise";
}

function ticketKindOf(u: Understanding): TicketKind {
  return u.kind === "suggestion" || u.kind === "praise" ? u.kind : "complaint";
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
