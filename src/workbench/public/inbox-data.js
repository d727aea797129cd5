// The inbox: GET /api/staff/inbox (tabs with counts, search, sorted by deadline).
// Until that endpoint is deployed (a 404), the same view is put together from
// GET /api/staff/tickets, which knows statuses and dates but not text search, phone
// search or "due soon": those tabs then show no count.
import { api, query } from "./api.js";

export const TABS = [
  ["pending", "待签收"],
  ["in_progress", "办理中"],
  ["due_soon", "临期"],
  ["overdue", "已超期"],
  ["returned", "被退回"],
  ["awaiting_rating", "待评价"],
  ["done", "已办结"],
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

let inboxMissing = false;

export async function loadInbox(params) {
  if (!inboxMissing) {
    try {
      return await api(`/inbox${query(params)}`);
    } catch (error) {
      if (error.status !== 404 || !String(error.body?.message ?? "").startsWith("No route")) throw error;
      inboxMissing = true;
    }
  }
  return fallbackInbox(params);
}

const OPEN = ["assigned", "accepted", "in_progress", "suspended", "returned", "review"];
const FALLBACK_FILTERS = {
  pending: { status: ["assigned"] },
  in_progress: { status: ["accepted", "in_progress", "suspended"] },
  overdue: { status: OPEN, overdue: true },
  returned: { status: ["returned"] },
  awaiting_rating: { status: ["resolved"] },
  done: { status: ["closed", "rejected", "merged"] },
  dispatch: { status: ["submitted", "returned"] },
  review: { status: ["review"] },
};

async function fallbackInbox({ tab = "pending", from, to, department, limit = 20, offset = 0 }) {
  const common = { from, to, department };
  const filter = FALLBACK_FILTERS[tab];
  const counts = {};
  await Promise.all(
    Object.entries(FALLBACK_FILTERS).map(async ([name, f]) => {
      try {
        counts[name] = (await api(`/tickets${query({ ...common, ...f, limit: 1 })}`)).total;
      } catch {
        counts[name] = undefined;
      }
    }),
  );
  if (!filter) return { counts, total: 0, tickets: [] };
  const page = await api(`/tickets${query({ ...common, ...filter, limit, offset })}`);
  const byDeadline = (a, b) => (a.deadlineAt ?? "9999").localeCompare(b.deadlineAt ?? "9999");
  return { counts, total: page.total, tickets: [...page.tickets].sort(byDeadline) };
}
