// Chinese wording for what the API returns as codes: roles, statuses, actions, channels,
// history events, and the working time left.

export const ROLE_NAMES = {
  staff: "部门工作人员",
  dispatcher: "派单员",
  supervisor: "督办员",
  analyst: "舆情分析员",
  admin: "系统管理员",
};

/** Short status names for staff (the API's statusLabel is worded for citizens). */
export const STATUS_NAMES = {
  submitted: "待分派",
  assigned: "待签收",
  accepted: "已签收",
  in_progress: "办理中",
  suspended: "已挂起",
  returned: "已退回",
  review: "待复核",
  resolved: "待评价",
  closed: "已办结",
  rejected: "不予受理",
  merged: "已并案",
};

/** What a ticket is about (the API's kind). */
export const KIND_NAMES = { complaint: "投诉", help: "求助", suggestion: "建言", praise: "表扬" };

/** A suggestion's verdict on 办结 (采纳意见), as the API names it. */
export const VERDICTS = [
  ["adopted", "采纳"],
  ["partially_adopted", "部分采纳"],
  ["not_adopted", "暂不采纳"],
];

export const CHANNEL_NAMES = { webchat: "网页", wechat: "微信", weibo: "微博", open311: "Open311" };

/** The action buttons, in the order they are shown, with the exact labels of the contract. */
export const ACTION_LABELS = {
  accept: "签收",
  start: "开始办理",
  resolve: "办结",
  transfer: "转办",
  return: "退单",
  suspend: "挂起",
  resume: "恢复",
  request_extension: "延期申请",
  approve_extension: "批准延期",
  refuse_extension: "不予延期",
  note: "内部备注",
  merge: "并案",
  supervise: "督办",
  reopen: "重办",
  reassign: "改派",
  reject: "不予受理",
  close: "归档",
};

export const RETURN_REASONS = [
  ["not_responsible", "非本部门职责"],
  ["wrong_area", "属地不符"],
  ["incomplete", "信息不全"],
  ["other", "其他"],
];

/** History events (the past tense the audit trail records) in Chinese. */
export const EVENT_NAMES = {
  created: "登记",
  assigned: "分派",
  accepted: "签收",
  started: "开始办理",
  resolved: "办结",
  transferred: "转办",
  reassigned: "改派",
  returned: "退单",
  rejected: "不予受理",
  suspended: "挂起",
  resumed: "恢复办理",
  reopened: "重新办理",
  rated: "群众评价",
  closed: "归档",
  merged: "并案",
  note: "内部备注",
  supplemented: "群众补充材料",
  reminded: "催办提醒",
  overdue: "超期督办",
  linked: "关联并案",
  parent_resolved: "主工单办结",
  supervised: "督办",
  extension_requested: "延期申请",
  extension_approved: "批准延期",
  extension_refused: "不予延期",
};

export function eventName(type) {
  return EVENT_NAMES[type] ?? type;
}

/** "staff:zhang" → "zhang"; the system and the citizen by name. */
export function actorName(actor) {
  if (!actor) return "";
  const [kind, rest = ""] = actor.split(":");
  if (kind === "staff") return rest;
  if (kind === "citizen") return `群众（${CHANNEL_NAMES[rest] ?? rest}）`;
  if (kind === "system") {
    const systems = { router: "系统分派", deadline: "系统时限", rating: "系统评价" };
    return systems[rest] ?? "系统";
  }
  return actor;
}

const dateTime = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

export function formatTime(iso) {
  if (!iso) return "—";
  return dateTime.format(new Date(iso)).replace(/\//g, "-");
}

/**
 * The time left in words: working time when the API gives it (剩余 3 个工作小时),
 * otherwise the clock time to the deadline.
 */
export function timeLeft(ticket) {
  const finished = ["resolved", "closed", "rejected", "merged"].includes(ticket.status);
  if (finished) return { text: "—", level: "" };
  if (ticket.status === "suspended") return { text: "已挂起，计时暂停", level: "" };
  let seconds = ticket.workingSecondsLeft;
  let working = true;
  if (seconds === undefined || seconds === null) {
    if (!ticket.deadlineAt) return { text: "—", level: "" };
    seconds = (new Date(ticket.deadlineAt).getTime() - Date.now()) / 1000;
    working = false;
  }
  if (ticket.overdue || seconds < 0) {
    const late = Math.max(1, Math.round(Math.abs(seconds) / 3600));
    return { text: `已超期 ${late} 小时`, level: "overdue" };
  }
  const hours = seconds / 3600;
  const unit = working ? "个工作小时" : "小时";
  if (hours < 1) return { text: `剩余 ${Math.max(1, Math.round(seconds / 60))} 分钟`, level: "soon" };
  return { text: `剩余 ${Math.round(hours)} ${unit}`, level: hours <= 8 ? "soon" : "" };
}
