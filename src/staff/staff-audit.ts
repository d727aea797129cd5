// The record of what staff did through the API (the database refuses to change it).
// Ticket actions are also in the ticket's own hash-chained history.
import type { PrismaClient } from "../db/database.ts";
import type { Tx } from "../db/transaction.ts";
import type { StaffPrincipal } from "./roles.ts";

export type StaffAuditAction =
  | "login"
  | "login_failed"
  | "logout"
  | "list_tickets"
  | "view_ticket"
  | "view_conversation"
  | "ticket_action"
  | "view_kpis"
  | "view_notices"
  | "create_account"
  | "privacy_export"
  | "view_inbox"
  | "bulk_action"
  | "view_merge_suggestions"
  | "dismiss_merge_suggestion"
  | "view_supervision"
  | "export_kpis"
  | "list_accounts"
  | "update_account"
  | "reset_password"
  | "change_password"
  | "create_reply_template"
  | "update_reply_template"
  | "delete_reply_template"
  | "add_catalog_example"
  | "create_department"
  | "update_department"
  | "delete_department"
  | "create_routing_rule"
  | "update_routing_rule"
  | "delete_routing_rule"
  | "reorder_routing_rules"
  | "view_handoffs"
  | "view_handoff"
  | "handoff_pick_up"
  | "handoff_reply"
  | "handoff_hand_back"
  | "handoff_ticket"
  | "import_opinions"
  | "export_opinions";

export async function recordStaffAudit(
  db: PrismaClient | Tx,
  who: Pick<StaffPrincipal, "id" | "username"> | { id: null; username: string },
  action: StaffAuditAction,
  target?: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.staffAudit.create({
    data: { staffId: who.id, username: who.username, action, target: target ?? null, detail: detail as object },
  });
}
