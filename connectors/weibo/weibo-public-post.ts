// A public post that concerns the account: a post that @-mentions it (statuses/
// mentions, or a mention push) or a comment on its posts (comments/to_me). Each gets
// a channel message id of its own; a mention is keyed on its author, time and text,
// so the push and the poller's copy of the same post are recognized as one.
import { createHash } from "node:crypto";

export interface PublicPost {
  kind: "mention" | "comment";
  /** The author's uid. */
  uid: string;
  text: string;
  createdAt: Date;
  /** The post's id (for a comment: the commented post's id). */
  statusId?: string;
  /** The comment's id, for comments. */
  commentId?: string;
  raw: unknown;
}

export function publicPostMessageId(post: PublicPost): string {
  if (post.kind === "comment" && post.commentId) return `comment:${post.commentId}`;
  const hash = createHash("sha1").update(post.text.trim()).digest("hex").slice(0, 16);
  return `mention:${post.uid}:${Math.floor(post.createdAt.getTime() / 1000)}:${hash}`;
}

/** The text without @-mentions (the account's name says nothing about the matter); the original when nothing else is left. */
export function withoutMentions(text: string): string {
  const stripped = text
    .replace(/@[\p{L}\p{N}_-]{1,30}/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return stripped || text;
}
