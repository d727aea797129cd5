// The inbox: GET /api/staff/inbox (tabs with counts, search, sorted by deadline).
import { api, query } from "./api.js";

export const TABS = [
  ["pending", "待签收"],
  ["in_progress", "办理中"],
  ["due_soon", "临期"],
  ["overdue", "已超期"],
  ["returned", "被退回"],
  ["awaiting_rating", "待评价"],
  ["done", "已办结"],
  ["all", "全部"],
];
export const DISPATCH_TAB = ["dispatch", "派单队列"];
export const REVIEW_TAB = ["review", "复核"];

/** The tabs a role sees (the server decides the contents). */
export function tabsFor(role) {
  const tabs = [...TABS];
  if (role === "dispatcher" || role === "admin") tabs.push(DISPATCH_TAB);
  if (role === "supervisor" || role === "admin") tabs.push(REVIEW_TAB);
  return tabs;
}

export function loadInbox(params) {
  return api(`/inbox${query(params)}`);
}
