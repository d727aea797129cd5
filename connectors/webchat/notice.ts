// A notice to a web chat citizen as it travels from the outbound worker (webchat-sender.ts)
// over Redis pub/sub to the process holding their socket (notice-listener.ts), and as the
// page fetches it later (GET /api/chat/notices): one delivery, its time and its replies.

export interface NoticePayload {
  /** The delivery's id: the same notice live and fetched, so the page shows it once. */
  id: string;
  at: string;
  replies: { type: "text"; text: string; quickReplies?: { label: string; text: string }[] }[];
}

/** The Redis channel of one session's notices. */
export function webchatNoticeTopic(prefix: string, sessionId: string): string {
  return `${prefix}:webchat:notice:${sessionId}`;
}
