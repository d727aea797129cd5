// Replies for channels that show text only (WeChat, Weibo): quick replies become
// numbered lines the citizen answers by typing the number (see src/conversation/numbered-options.ts).
import type { Reply } from "../../src/messages/messages.ts";
import { numberedHint, numberedLines } from "../../src/conversation/channel-text.ts";

export function plainText(replies: Reply[]): string {
  return replies.map(replyText).join("\n\n");
}

function replyText(reply: Reply): string {
  if (!reply.quickReplies?.length) return reply.text;
  return [reply.text, ...numberedLines(reply.quickReplies), numberedHint()].join("\n");
}
