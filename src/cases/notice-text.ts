// What citizens and staff are told when a ticket moves: polite, concise Chinese.
import type { QuickReply } from "../messages/messages.ts";
import { RATING_LABELS } from "../tickets/rating.ts";
import { SUGGESTION_VERDICTS, type SuggestionVerdict } from "../tickets/suggestion-verdict.ts";
import type { TicketKind } from "../tickets/ticket-kind.ts";

export interface NoticeFacts {
  number: string;
  departmentName: string;
  hotline: string;
  /** The note of the transition: reason, reply … */
  note: string | null;
  reply: string | null;
  parentNumber?: string;
  /** A complaint unless said; a suggestion is worded as one, with its verdict. */
  kind?: TicketKind;
  verdict?: SuggestionVerdict | null;
}

/** What the citizen sent, as the notice names it. */
function subject(f: NoticeFacts): string {
  return f.kind === "suggestion" ? "您提出的建议" : "您反映的问题";
}

/** 办结: the department's reply (for a suggestion, its verdict first), then the rating request. */
function resolvedText(f: NoticeFacts): string {
  const answer = f.verdict
    ? `采纳意见：${SUGGESTION_VERDICTS[f.verdict]}\n答复：${f.reply ?? ""}`
    : `办理结果：${f.reply ?? ""}`;
  return `${subject(f)}（工单号 ${f.number}）已办结。\n${answer}\n\n${ratingPrompt()}`;
}

/** The rating scale, best first, as the citizen may answer. */
export function ratingPrompt(): string {
  const scale = [5, 4, 3, 2, 1].map((r) => `${r} ${RATING_LABELS[r]}`).join("\n");
  return `请您对办理结果进行评价，直接回复数字即可：\n${scale}\n也可以在数字后写下意见，如“4 处理很及时”。`;
}

/** Buttons for channels that have them; the words are unambiguous where a digit might not be. */
export function ratingQuickReplies(): QuickReply[] {
  return [5, 4, 3, 2, 1].map((r) => ({ label: `${r} ${RATING_LABELS[r]}`, text: RATING_LABELS[r]! }));
}

export const citizenNoticeText = {
  accepted: (f: NoticeFacts) =>
    `${subject(f)}（工单号 ${f.number}）已由${f.departmentName}签收，正在办理，办理结果会及时告诉您。`,
  resolved: resolvedText,
  rejected: (f: NoticeFacts) =>
    `很抱歉，您反映的问题（工单号 ${f.number}）经核实不属于政府部门的职责范围，暂不予受理。\n原因：${f.note ?? ""}\n如有疑问，请拨打${f.hotline}热线咨询。`,
  suspended: (f: NoticeFacts) =>
    `${subject(f)}（工单号 ${f.number}）需要您补充信息：${f.note ?? ""}\n` +
    `请回复“补充 ${f.number} 您要补充的内容”，也可以直接发送照片或位置。收到后我们会继续办理。`,
  merged: (f: NoticeFacts) =>
    `您反映的问题与工单 ${f.parentNumber ?? ""} 反映的是同一问题，已合并办理（您的工单号 ${f.number}）。办理结果会一并告诉您。`,
  reopened: (f: NoticeFacts) =>
    `您对工单 ${f.number} 的办理结果有异议，我们已交${f.departmentName}重新办理，进展会继续告诉您。`,
  parent_resolved: (f: NoticeFacts) =>
    `${subject(f)}（工单号 ${f.number}）已随工单 ${f.parentNumber ?? ""} 一并办结。\n办理结果：${f.reply ?? ""}`,
} as const;

export const staffNoticeText = {
  reminder: (number: string, percent: number, deadline: string) =>
    `工单 ${number} 办理时限已用${percent}%，请在 ${deadline} 前办结。`,
  overdue: (number: string, departmentName: string, deadline: string) =>
    `工单 ${number}（${departmentName}）已超过办理时限（${deadline}），已列入督办。`,
  review: (number: string, rating: string) => `工单 ${number} 收到群众评价“${rating}”，请复核办理结果。`,
  supervision: (number: string, note: string, deadline: string) =>
    `工单 ${number} 已被督办：${note}。请抓紧办理，办理时限 ${deadline}。`,
};

/** "2026年11月25日 15:00" in the city's time zone. */
export function formatLocalTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}
