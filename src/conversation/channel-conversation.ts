// The messaging channels' side of a conversation (WeChat, Weibo private messages):
// text goes through the conversation pipeline like web chat; photos and locations
// are added to the citizen's ticket (evidence.ts); follows, scans and menu taps get
// their own answers.
// Everything is recorded as an exchange, idempotently on the channel message id, so
// a platform's retry gets the same replies and never a second side effect.
import { randomUUID } from "node:crypto";
import { deskReply, materialName } from "./desk-replies.ts";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import { conversationIdFor } from "./conversation-id.ts";
import type { ConversationPipeline } from "./conversation-pipeline.ts";
import { recordExchanges, type RecordedExchange, storedOutcome } from "./message-log.ts";
import type { ConversationOutcome, InboundMessage, Reply } from "../messages/messages.ts";
import * as say from "./reply-text.ts";
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { Applied } from "../cases/ticket-actions.ts";
import type { MessageKind } from "../language/understander.ts";
import type { ChannelInput } from "../messages/channel-input.ts";
import { cleanValue } from "../messages/clean-text.ts";
import * as text from "./channel-text.ts";
import { complaintStartedChange, type ContextChange, offeredChange, readContext } from "./conversation-context.ts";
import { type EvidenceAction, EvidenceDesk, type SupplementDesk } from "./evidence.ts";
import { latestTickets } from "./latest-tickets.ts";
import type { Menu, MenuAction } from "../knowledge/menu.ts";
import type { PopularItems } from "./popular-items.ts";

export interface ChannelConversationDeps {
  prisma: PrismaClient;
  pipeline: ConversationPipeline;
  catalog: () => Catalog;
  menu: () => Menu;
  popular: PopularItems;
  hotline: string;
  timeZone: string;
  /** Case management's way of adding what a citizen sends to their ticket. */
  supplements: SupplementDesk;
  /** How long after 我要投诉 photos and locations are held for the complaint. */
  evidenceWindowMs: number;
}

type Understood = ConversationOutcome["understanding"];

/** Answers decided by rule, not by the language pipeline, are certain of their kind. */
const certain = (kind: MessageKind, item?: { code: string; name: string }): Understood => ({
  kind,
  confidence: 1,
  ...(item && { serviceItem: { code: item.code, name: item.name } }),
});
/** Nothing was said that the language pipeline could read (a photo, an unfollow). */
const nothingToRead: Understood = { kind: "unknown", confidence: 0 };

const reply = (value: string): Reply => ({ type: "text", text: value });

export class ChannelConversation {
  private readonly evidence: EvidenceDesk;

  constructor(private readonly deps: ChannelConversationDeps) {
    this.evidence = new EvidenceDesk(deps.prisma, deps.supplements, deps.evidenceWindowMs);
  }

  /** The replies for one platform message; empty when the platform expects no answer. */
  async handle(received: ChannelInput): Promise<Reply[]> {
    // Cleaned once at the entry (ids, text, labels): see src/messages/clean-text.ts.
    const input = cleanValue(received);
    const { action } = input;
    switch (action.type) {
      case "text":
        return this.converse(input, action.text);
      case "voice":
        return action.recognition?.trim()
          ? this.converse(input, action.recognition)
          : this.record(input, "[语音]", { replies: [reply(text.voiceNotUnderstood())], understanding: nothingToRead });
      case "link":
        return this.converse(
          input,
          [action.title, action.description].filter((s) => s.trim()).join("\n") || action.url,
        );
      case "media":
      case "location":
        return this.receiveEvidence(input as ChannelInput & { action: EvidenceAction });
      case "follow":
      case "scan":
        return this.welcome(input, action.type === "scan");
      case "unfollow":
        return this.record(input, "[取消关注]", { replies: [], understanding: nothingToRead });
      case "menu":
        return this.menuTap(input, action.key);
      case "unsupported":
        return this.record(input, `[${action.what}]`, {
          replies: [reply(text.unsupported())],
          understanding: nothingToRead,
        });
    }
  }

  private async converse(input: ChannelInput, said: string): Promise<Reply[]> {
    const outcome = await this.deps.pipeline.handle(inbound(input, said));
    // Also for a repeat: a crash may have come between filing the ticket and this.
    if (outcome.ticket) {
      // A 我要投诉 waiting for its complaint (however long ago): material may be held for it.
      if ((await readContext(this.deps.prisma, input, input.receivedAt)).complaintStartedAt)
        await this.attachHeld(input, outcome.ticket.number);
    }
    return outcome.replies;
  }

  /** After this message filed a ticket: the photos and locations held for it join it. */
  private attachHeld(input: ChannelInput, ticketNumber: string): Promise<number> {
    return this.evidence.attachHeld(
      input,
      conversationIdFor(input.channel, input.channelUserId),
      { ticketNumber, channelMessageId: input.channelMessageId },
      input.receivedAt,
    );
  }

  private async receiveEvidence(input: ChannelInput & { action: EvidenceAction }): Promise<Reply[]> {
    const { action } = input;
    const what = materialName(
      action.type === "location" ? { kind: "location", label: action.label } : { kind: action.media },
    );
    const conversationId = conversationIdFor(input.channel, input.channelUserId);
    if (action.type === "location") {
      // In the middle of a complaint's intake, a location is its place ("where").
      const place = action.label?.trim() || `纬度${action.latitude}，经度${action.longitude}`;
      const located = await this.deps.pipeline.locate(inbound(input, `[${what}]`), place);
      if (located) {
        await this.evidence.holdRecorded(input, conversationId);
        if (located.ticket) await this.attachHeld(input, located.ticket.number);
        return located.replies;
      }
    }
    const [open, context] = await Promise.all([
      this.evidence.target(input, input.receivedAt),
      readContext(this.deps.prisma, input, input.receivedAt),
    ]);
    const started = this.evidence.complaintStarted(context, input.receivedAt);
    // After 我要投诉 for a new problem, material is for that one, not an earlier ticket.
    const ticket = open && !(started && started > open.createdAt) ? open : undefined;
    const held = !ticket && !!started;
    const answer = ticket
      ? deskReply.attached(ticket.number, what, ticket.status === "suspended")
      : held
        ? text.evidenceHeld(what)
        : text.mediaReceived(what);
    return this.record(
      input,
      `[${what}]`,
      { replies: [reply(answer)], understanding: nothingToRead },
      ticket || held
        ? {
            sideEffect: (tx, recorded) =>
              this.evidence.attach(tx, input, { conversationId, sourceMessageId: recorded.inboundId }, ticket),
          }
        : {},
    );
  }

  private async welcome(input: ChannelInput, returning: boolean): Promise<Reply[]> {
    const items = await this.deps.popular.top();
    const replies: Reply[] = [
      {
        type: "text",
        text: text.welcome(returning),
        quickReplies: items.map((item) => ({ label: item.name, text: item.name })),
      },
      reply(text.welcomeFooter()),
    ];
    // The items are numbered on text-only channels: "2" asks about the second.
    const offered = offeredChange(replies);
    return this.record(
      input,
      returning ? "[扫码]" : "[关注]",
      { replies, understanding: certain("greeting") },
      offered ? { context: offered } : {},
    );
  }

  private async menuTap(input: ChannelInput, key: string): Promise<Reply[]> {
    const target = this.deps.menu().resolve(key);
    if (target && "action" in target) return this.menuAction(input, target.action);
    const item = target && this.deps.catalog().items.find((i) => i.code === target.itemCode);
    // An unknown key (an old menu) or an item the catalog no longer has.
    if (!item)
      return this.record(input, `[菜单] ${key}`, {
        replies: [reply(text.unknownMenuKey())],
        understanding: nothingToRead,
      });
    return this.record(input, `[菜单] ${item.name}`, {
      replies: [say.guideReply(item)],
      understanding: certain("service", item),
    });
  }

  private async menuAction(input: ChannelInput, action: MenuAction): Promise<Reply[]> {
    if (action === "complain") {
      const windowMinutes = Math.round(this.deps.evidenceWindowMs / 60_000);
      return this.record(
        input,
        "[菜单] 我要投诉",
        { replies: [reply(text.complainGuidance(windowMinutes))], understanding: certain("complaint") },
        { context: complaintStartedChange(input.receivedAt) },
      );
    }
    // The same answer as a typed 查询工单 (the citizen desk's).
    const { text: status } = await latestTickets(this.deps.prisma, input, this.deps);
    return this.record(input, "[菜单] 查询工单", { replies: [reply(status)], understanding: certain("service") });
  }

  /**
   * Records an exchange answered here, with what it changes in the conversation's
   * context and its side effects, in one transaction (then what the side effects leave
   * for after the commit). A retry finds the message recorded and gets the replies stored then.
   */
  private async record(
    input: ChannelInput,
    said: string,
    outcome: ConversationOutcome,
    effects: {
      context?: ContextChange;
      sideEffect?: (tx: Tx, recorded: RecordedExchange) => Promise<Applied[] | undefined>;
    } = {},
  ): Promise<Reply[]> {
    const message = inbound(input, said);
    const { context, sideEffect } = effects;
    let applied: Applied[] = [];
    const recorded = await this.deps.prisma.$transaction(async (tx) => {
      const [row] = await recordExchanges(tx, [
        { inboundId: randomUUID(), message, outcome, ...(context && { context }) },
      ]);
      if (row && sideEffect) applied = (await sideEffect(tx, row)) ?? [];
      return row;
    });
    await this.evidence.afterCommit(applied);
    if (recorded) return outcome.replies;
    return (await storedOutcome(this.deps.prisma, message))?.replies ?? outcome.replies;
  }
}

function inbound(input: ChannelInput, said: string): InboundMessage {
  return {
    channel: input.channel,
    channelUserId: input.channelUserId,
    text: said,
    channelMessageId: input.channelMessageId,
    receivedAt: input.receivedAt,
    raw: input.raw,
    ...(input.place && { place: input.place }),
  };
}
