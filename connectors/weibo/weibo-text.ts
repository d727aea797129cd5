// Weibo's length limits: a private message under 300 characters, a comment at most 140.
export const MESSAGE_CHARS = 299;
export const COMMENT_CHARS = 140;

/** Splits a text into messages of at most `max` characters, at line breaks where possible. */
export function splitText(text: string, max = MESSAGE_CHARS): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    for (const piece of hardWrap(line, max)) {
      const joined = current ? `${current}\n${piece}` : piece;
      if ([...joined].length <= max) current = joined;
      else {
        if (current) chunks.push(current);
        current = piece;
      }
    }
  }
  if (current) chunks.push(current);
  return chunks.length > 0 ? chunks : [""];
}

function hardWrap(line: string, max: number): string[] {
  const chars = [...line];
  if (chars.length <= max) return [line];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += max) pieces.push(chars.slice(i, i + max).join(""));
  return pieces;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** The public reply under a post that filed a ticket: a complaint, a suggestion (建言) or praise (表扬). */
export function publicComplaintReply(ticketNumber: string, kind?: string): string {
  if (kind === "praise") return `感谢您的表扬（工单号 ${ticketNumber}），我们已转达给相关部门。`;
  const what = kind === "suggestion" ? "您的建议" : "您反映的问题";
  return `您好，${what}已登记（工单号 ${ticketNumber}），我们已私信告知办理进展，请留意查收。`;
}
