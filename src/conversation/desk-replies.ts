// What the hub answers when a citizen asks about their tickets, rates or adds to one.
import type { Supplement } from "../tickets/lifecycle.ts";
import { RATING_LABELS } from "../tickets/rating.ts";
import { STATUS_LABELS, type TicketStatus } from "../tickets/ticket-status.ts";
import { formatLocalTime, ratingPrompt } from "../cases/notice-text.ts";

export interface TicketView {
  number: string;
  status: TicketStatus;
  createdAt: Date;
  departmentName: string | null;
  deadlineAt: Date | null;
  clockRunning: boolean;
  resolution: string | null;
  parent?: { number: string; status: TicketStatus };
  /** The citizen who filed it is asking: the result may be shown. */
  own: boolean;
}

export function ticketStatus(view: TicketView, timeZone: string): string {
  const lines = [`工单 ${view.number}（${formatLocalTime(view.createdAt, timeZone)} 提交）`];
  if (view.status === "merged" && view.parent) {
    lines.push(`当前状态：已与工单 ${view.parent.number} 合并办理，${STATUS_LABELS[view.parent.status]}`);
  } else {
    lines.push(`当前状态：${STATUS_LABELS[view.status]}`);
  }
  if (view.departmentName && view.status !== "submitted") lines.push(`承办部门：${view.departmentName}`);
  if (view.clockRunning && view.deadlineAt)
    lines.push(`承诺办结时间：${formatLocalTime(view.deadlineAt, timeZone)} 前`);
  if (view.own && view.resolution && (view.status === "resolved" || view.status === "closed"))
    lines.push(`办理结果：${view.resolution}`);
  if (view.own && view.status === "suspended")
    lines.push(`请回复“补充 ${view.number} 您要补充的内容”，收到后我们会继续办理。`);
  if (view.own && view.status === "resolved") lines.push("", ratingPrompt());
  return lines.join("\n");
}

export const deskReply = {
  notFound: (number: string) => `没有找到工单 ${number}，请核对工单号后再试。`,
  noTickets: (hotline: string) =>
    `您还没有通过这里提交过诉求。如需反映问题，请直接描述情况；也可以拨打${hotline}热线。`,
  latest: (lines: string[]) => `您最近的工单：\n${lines.join("\n")}\n如需查看详情，请发送“查询工单 工单号”。`,
  latestLine: (number: string, status: TicketStatus, when: string) => `${number}（${when}）：${STATUS_LABELS[status]}`,
  notYours: (number: string) => `工单 ${number} 不是通过您的账号提交的，无法补充或评价。`,
  noOpenTicket: () => "您目前没有正在办理的工单。如需反映新的问题，请直接描述情况。",
  supplemented: (number: string, resumed: boolean) =>
    resumed
      ? `已将您补充的信息加入工单 ${number}，工单已恢复办理。`
      : `已将您补充的信息加入工单 ${number}，承办部门会一并处理。`,
  repeatJoined: (number: string) =>
    `您反映的这个问题已在工单 ${number} 中办理，这次的内容已补充到该工单，无需重复登记。查询进度请发送“查询工单 ${number}”。`,
  cannotSupplement: (number: string, status: TicketStatus) =>
    `工单 ${number} ${STATUS_LABELS[status]}，不能再补充信息。如对办理结果有异议，可以回复“重新办理 ${number} 原因”。`,
  noResolvedTicket: () => "没有找到可以重新办理的工单。如需反映新的问题，请直接描述情况。",
  reopened: (number: string, departmentName: string) =>
    `已收到。工单 ${number} 将由${departmentName}重新办理，进展会继续告诉您。`,
  tooLateToReopen: (number: string, days: number) =>
    `工单 ${number} 办结已超过${days}天，不能再重新办理。如问题仍然存在，请直接描述情况，我们会重新登记。`,
  cannotReopen: (number: string, status: TicketStatus) =>
    `工单 ${number} 当前${STATUS_LABELS[status]}，不需要重新办理。`,
  rated: (number: string, rating: number) => `感谢您的评价（${RATING_LABELS[rating]}）！工单 ${number} 已办结归档。`,
  ratedReopened: (number: string, departmentName: string) =>
    `感谢您的反馈。我们已将工单 ${number} 交${departmentName}重新办理，办理进展会继续告诉您。`,
  ratedReview: (number: string) => `感谢您的反馈。我们会对工单 ${number} 的办理结果进行复核，并尽快与您联系。`,
  /** A photo, video or location added to a ticket (`what`: materialName()). */
  attached: (number: string, what: string, resumed: boolean) =>
    `已收到您发送的${what}，已作为工单 ${number} 的补充材料登记。${resumed ? "工单已恢复办理。" : ""}`,
};

const MATERIAL_NAMES: Record<Supplement["kind"], string> = {
  text: "信息",
  image: "图片",
  video: "视频",
  location: "位置",
};

/** What the citizen sent, in words: 图片, 视频, 位置（人民路口）, 信息. */
export function materialName(supplement: Pick<Supplement, "kind"> & { label?: string | null }): string {
  const name = MATERIAL_NAMES[supplement.kind];
  return supplement.kind === "location" && supplement.label ? `${name}（${supplement.label}）` : name;
}
