// What the messaging channels say beyond the pipeline's answers: welcomes, receipts
// for photos and locations (once on a ticket, case management's words: desk-replies.ts),
// guidance for a complaint. A ticket's status is the citizen desk's answer
// (latest-tickets.ts). Plain, polite Simplified Chinese, short lines that read well on a phone.
import type { QuickReply } from "../messages/messages.ts";

export function welcome(returning: boolean): string {
  return returning
    ? "您好，欢迎回来！我是市政务服务智能助手。大家最常问的事项有："
    : "您好，感谢关注！我是市政务服务智能助手，可以为您查询办事指南、受理投诉求助。大家最常问的事项有：";
}

export function welcomeFooter(): string {
  return "也可以直接告诉我您想办的事；如需投诉或求助，请直接描述遇到的问题。";
}

export function complainGuidance(windowMinutes: number): string {
  return [
    "请您直接用文字描述遇到的问题，写清楚：",
    "1. 发生的地点（如：某某路某某小区门口）",
    "2. 发生的时间",
    "3. 具体情况和您的诉求",
    `描述后我们会登记工单并告诉您工单号。${windowMinutes}分钟内发送的照片、视频和位置会作为材料一并登记。`,
  ].join("\n");
}

export function evidenceHeld(what: string): string {
  return `已收到您发送的${what}。请再用文字描述一下遇到的问题，登记工单时会一并附上。`;
}

export function mediaReceived(what: string): string {
  return `已收到您发送的${what}。如需投诉或求助，请用文字描述遇到的问题，我们会登记办理。`;
}

export function voiceNotUnderstood(): string {
  return "抱歉，暂时没能听清您的语音。请您用文字输入想咨询的问题，我马上为您解答。";
}

export function unsupported(): string {
  return "抱歉，暂时无法处理这类消息。请您用文字描述想咨询的问题。";
}

export function unknownMenuKey(): string {
  return "抱歉，这个菜单已经更新。请您重新打开菜单选择，或直接用文字说出想办的事。";
}

export function numberedHint(): string {
  return "（回复序号即可）";
}

/** Options as numbered lines, for channels without buttons. */
export function numberedLines(options: QuickReply[]): string[] {
  return options.map((option, i) => `${i + 1}. ${option.label.replace(/^\s*\d+\s*[.、．)）]\s*/, "")}`);
}
