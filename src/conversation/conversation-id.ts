// A conversation's id is derived from its channel and citizen, so every process can
// name it without asking the database first (and the hot path needs no lookup).
import { createHash } from "node:crypto";

/** A stable UUID-shaped id (version 8: custom, sha-256 based) for (channel, channelUserId). */
export function conversationIdFor(channel: string, channelUserId: string): string {
  const h = createHash("sha256").update(`${channel}\u0000${channelUserId}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
