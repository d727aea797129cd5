// Web chat sessions: the token is the citizen's only credential (it lets its holder read
// their tickets, rate and dispute), so the server issues it and never trusts a client's.
//   token          128 random bits, base64url (22 characters), issued by the server; it
//                  travels in the X-Chat-Session header or the socket's hello frame,
//                  never in a URL, and is never stored.
//   channelUserId  sha-256 of the token (22 characters): what the database, logs and
//                  staff see. Knowing it gives nothing: the token cannot be derived from it.
// A token is accepted only when its conversation exists, i.e. a message was answered
// under it; anything else — none, malformed, forged, an id of the client's choosing, a
// channelUserId, an id from before server-issued sessions — gets a new session, never
// someone else's conversation.
// A token whose conversation the retention policy erased is forgotten the same way.
import { createHash, randomBytes } from "node:crypto";
import { conversationIdFor } from "../../src/conversation/conversation-id.ts";
import type { PrismaClient } from "../../src/db/database.ts";

export { CHAT_SESSION_HEADER as SESSION_HEADER } from "../../src/messages/messages.ts";
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

export interface ChatSession {
  /** The credential the client keeps and sends back. */
  token: string;
  /** The citizen as the pipeline knows them (channelUserId). */
  userId: string;
  /** true when this request started the session (the client's token, if any, was not accepted). */
  isNew: boolean;
}

export function newSession(): ChatSession {
  const token = randomBytes(16).toString("base64url");
  return { token, userId: sessionUserId(token), isNew: true };
}

export function sessionUserId(token: string): string {
  return createHash("sha256").update(`webchat-session\u0000${token}`).digest("base64url").slice(0, 22);
}

/** How many sessions a process remembers as known (about 100 bytes each). */
const KNOWN_SESSIONS = 50_000;
/**
 * How long a remembered session is trusted before the database is asked again: the
 * retention policy may have erased its conversation since (in another process), and
 * then the token must stop working.
 */
const RECHECK_AFTER_MS = 10 * 60_000;

/** Looks up a session by its conversation; only a token the server issued and used resolves. */
export class SessionStore {
  /**
   * Sessions already found, with when they were checked, most recent last: a citizen's
   * next messages skip the look-up (one per message on the chat's hot path otherwise:
   * measured, it cut chat throughput to a third).
   */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The client's session when the token is one, else a new one. */
  async resume(token: string | undefined): Promise<ChatSession> {
    if (token === undefined || !TOKEN.test(token)) return newSession();
    const userId = sessionUserId(token);
    const checkedAt = this.known.get(userId);
    this.known.delete(userId);
    if (checkedAt !== undefined && this.clock() - checkedAt < RECHECK_AFTER_MS) {
      this.known.set(userId, checkedAt);
      return { token, userId, isNew: false };
    }
    // A conversation the retention policy erased no longer vouches for its token.
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM "Conversation" WHERE "id" = ${conversationIdFor("webchat", userId)} AND "purgedAt" IS NULL`;
    if (rows.length === 0) return newSession();
    this.remember(userId);
    return { token, userId, isNew: false };
  }

  private remember(userId: string): void {
    this.known.set(userId, this.clock());
    if (this.known.size > KNOWN_SESSIONS) this.known.delete(this.known.keys().next().value!);
  }
}
