// What a conversation remembers between messages: the service item under discussion
// (so "多少钱" means its fee) and the options of a pending clarifying question (so
// "2" picks one). Kept in Conversation.context, so every web process and worker sees
// the same thing; the conversation's id is derived (conversation-id.ts), so reading
// it is one indexed select, and it is written in the statement that records the
// exchange (message-log.ts).
import type { Facet } from "../knowledge/catalog-schema.ts";
import { FACETS } from "../knowledge/catalog-schema.ts";
import type { PrismaClient } from "../db/database.ts";
import { conversationIdFor } from "./conversation-id.ts";
import type { InboundMessage } from "../messages/messages.ts";

export interface DialogueContext {
  /** Code of the service item under discussion. */
  item?: string;
  /** The facet last asked about ("那护照呢" asks the same of another item). */
  facet?: Facet;
  /** Codes of the items offered in a clarifying question, in the order shown. */
  options?: string[];
  /** The facet the clarified question asked about, answered once an option is picked. */
  optionsFacet?: Facet;
}

/** A conversation idle for longer than this starts afresh: "多少钱" an hour later is a new question. */
export const CONTEXT_TTL_MS = 30 * 60 * 1000;

const facets = new Set<string>(FACETS);
const isFacet = (value: unknown): value is Facet => typeof value === "string" && facets.has(value);

/** The context as stored, keeping only well-formed fields (it is JSON from the database). */
export function parseContext(json: unknown): DialogueContext {
  if (typeof json !== "object" || json === null) return {};
  const raw = json as Record<string, unknown>;
  const context: DialogueContext = {};
  if (typeof raw.item === "string") context.item = raw.item;
  if (isFacet(raw.facet)) context.facet = raw.facet;
  if (Array.isArray(raw.options) && raw.options.every((o) => typeof o === "string")) context.options = raw.options as string[];
  if (isFacet(raw.optionsFacet)) context.optionsFacet = raw.optionsFacet;
  return context;
}

/** The conversation's current context; empty when there is none or it has expired. */
export async function readContext(db: PrismaClient, message: InboundMessage): Promise<DialogueContext> {
  const rows = await db.$queryRaw<{ context: unknown; lastActiveAt: Date }[]>`
    SELECT "context", "lastActiveAt" FROM "Conversation" WHERE "id" = ${conversationIdFor(message.channel, message.channelUserId)}`;
  const row = rows[0];
  if (!row || message.receivedAt.getTime() - row.lastActiveAt.getTime() > CONTEXT_TTL_MS) return {};
  return parseContext(row.context);
}
