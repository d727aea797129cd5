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

export function publicComplaintReply(ticketNumber: string): string {
  return `您好，您反映的问题已登记（工单号 ${ticketNumber}），我们已私信告知办理进展，请留意查收。`;
}
