// What a conversation remembers between messages, in one typed record kept in
// Conversation.context (so every web process and worker sees the same thing): the
// service item under discussion and the facet asked about (so "多少钱" means its fee),
// the items of a pending clarifying question and the options the last reply numbered
// (so "2" picks one, on every channel), and when the citizen tapped 我要投诉 (photos
// and locations are then held for that complaint). This module is the only one that
// knows how it is stored: others read it with readContext() and change it with a
// ContextChange, which the message log writes in the statement that records the
// exchange. It also says whether the citizen asked for a person (人工) and is waiting
// for or talking with an agent (handoff-desk.ts). The conversation's id is derived
// (conversation-id.ts), so reading it is one indexed select.
import type { Facet } from "../knowledge/catalog-schema.ts";
import { FACETS } from "../knowledge/catalog-schema.ts";
import type { PrismaClient } from "../db/database.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import type { Tx } from "../db/transaction.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { type IntakeState, parseIntake } from "./complaint-intake.ts";
import { conversationIdFor } from "./conversation-id.ts";
import { type HandoffMark, parseHandoffMark } from "./handoff-rules.ts";
import type { Channel, Reply } from "../messages/messages.ts";

/** What the dialogue remembers; a turn's state replaces the previous one as a whole. */
export interface DialogueState {
  /** Code of the service item under discussion. */
  item?: string;
  /** The facet last asked about ("那护照呢" asks the same of another item). */
  facet?: Facet;
  /** Codes of the items offered in a clarifying question, in the order shown. */
  options?: string[];
  /** The facet the clarified question asked about, answered once an option is picked. */
  optionsFacet?: Facet;
}

export interface ConversationContext extends DialogueState {
  /** What each numbered option of the last reply sends, in order: "2" sends the second. */
  offered?: string[];
  /** When the citizen tapped 我要投诉 and has not filed the complaint yet. */
  complaintStartedAt?: Date;
  /** A complaint being taken down (complaint-intake.ts); it expires on its own clock. */
  intake?: IntakeState;
  /** The citizen asked for a person (handoff-desk.ts): their messages go to the agent, or the next is a 留言. */
  handoff?: HandoffMark;
}

/** A change to the stored context: the keys it names are set (null removes one); the others are kept. */
export type ContextChange = {
  [K in keyof ConversationContext]?: (K extends "complaintStartedAt" ? string : ConversationContext[K]) | null;
};

/** A conversation idle for longer than this starts afresh: "多少钱" an hour later is a new question. */
export const CONTEXT_TTL_MS = 30 * 60 * 1000;

const facets = new Set<string>(FACETS);
const isFacet = (value: unknown): value is Facet => typeof value === "string" && facets.has(value);
const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === "string");

/**
 * The context as stored, keeping only well-formed fields (it is JSON from the database).
 * Without `fresh`, what the dialogue remembers has expired: only the complaint and its
 * intake are kept (the intake decides itself when it has expired).
 */
export function parseContext(json: unknown, fresh = true): ConversationContext {
  if (typeof json !== "object" || json === null) return {};
  const raw = json as Record<string, unknown>;
  const context: ConversationContext = {};
  if (fresh) {
    if (typeof raw.item === "string") context.item = raw.item;
    if (isFacet(raw.facet)) context.facet = raw.facet;
    if (isStrings(raw.options)) context.options = raw.options;
    if (isFacet(raw.optionsFacet)) context.optionsFacet = raw.optionsFacet;
    if (isStrings(raw.offered)) context.offered = raw.offered;
  }
  const started = typeof raw.complaintStartedAt === "string" ? new Date(raw.complaintStartedAt) : undefined;
  if (started && !Number.isNaN(started.getTime())) context.complaintStartedAt = started;
  const intake = parseIntake(raw.intake);
  if (intake) context.intake = intake;
  // A hand-off does not expire with the dialogue: the agent may pick up an hour later.
  const handoff = parseHandoffMark(raw.handoff);
  if (handoff) context.handoff = handoff;
  return context;
}

/** The conversation's current context (at `now`); empty when there is none. */
export async function readContext(
  db: PrismaClient | Tx | SqlRunner,
  citizen: { channel: Channel; channelUserId: string },
  now: Date,
): Promise<ConversationContext> {
  const id = conversationIdFor(citizen.channel, citizen.channelUserId);
  // On the chat's hot path (every message, see handoff-desk.ts) the driver: a Prisma raw
  // query costs several times its CPU. The age comes as milliseconds, free of time zones.
  const rows =
    "$queryRaw" in db
      ? await db.$queryRaw<{ context: unknown; ageMs: number }[]>`
          SELECT "context", (EXTRACT(EPOCH FROM (${now.toISOString()}::timestamp(3) - "lastActiveAt")) * 1000)::float8 AS "ageMs"
          FROM "Conversation" WHERE "id" = ${id}`
      : await db.query<{ context: unknown; ageMs: number }>(
          `SELECT "context", (EXTRACT(EPOCH FROM ($2::timestamp(3) - "lastActiveAt")) * 1000)::float8 AS "ageMs"
           FROM "Conversation" WHERE "id" = $1`,
          [id, now.toISOString()],
        );
  const row = rows[0];
  if (!row) return {};
  return parseContext(row.context, row.ageMs <= CONTEXT_TTL_MS);
}

/** The options these replies number, as what each sends (a tap, or its number typed). */
export function offeredBy(replies: Reply[]): string[] {
  return replies.flatMap((reply) => reply.quickReplies ?? []).map((option) => option.text);
}

/** After a dialogue turn: its state, and the options its replies offered (or none). */
export function dialogueChange(state: DialogueState, replies: Reply[]): ContextChange {
  const offered = offeredBy(replies);
  return {
    item: state.item ?? null,
    facet: state.facet ?? null,
    options: state.options ?? null,
    optionsFacet: state.optionsFacet ?? null,
    offered: offered.length > 0 ? offered : null,
  };
}

/** Replies that offer options outside a dialogue turn (a welcome): only what they offer changes. */
export function offeredChange(replies: Reply[]): ContextChange | undefined {
  const offered = offeredBy(replies);
  return offered.length > 0 ? { offered } : undefined;
}

/** 我要投诉 tapped: material the citizen sends is held for the complaint. */
export function complaintStartedChange(at: Date): ContextChange {
  return { complaintStartedAt: at.toISOString() };
}

/** The complaint was filed: nothing more is held for it. */
export const COMPLAINT_FILED: ContextChange = { complaintStartedAt: null };

/** SQL for the stored context `stored` (jsonb) after the change `change` (jsonb). */
export function changedContextSql(stored: Prisma.Sql, change: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`jsonb_strip_nulls(COALESCE(${stored}, '{}'::jsonb) || ${change})`;
}

/** Changes a conversation's context outside an exchange's record (in the caller's transaction). */
export async function changeContext(tx: Tx, conversationId: string, change: ContextChange): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Conversation" SET "context" = ${changedContextSql(Prisma.sql`"context"`, Prisma.sql`${JSON.stringify(change)}::jsonb`)}
    WHERE "id" = ${conversationId}`;
}
