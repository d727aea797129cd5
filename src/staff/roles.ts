// Who may see and do what. Department staff work their own department's tickets;
// dispatchers (派单中心) route and reject; supervisors (督办) oversee, reopen and close
// reviews; opinion analysts (舆情分析员) read the public-opinion hub and take no ticket
// action; admins may do everything and manage accounts. Pure rules, no I/O.
import type { ActionType } from "../tickets/lifecycle.ts";

export const ROLES = ["staff", "dispatcher", "supervisor", "analyst", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface StaffPrincipal {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Required for department staff; null for roles that see every department. */
  departmentCode: string | null;
}

/** Actions staff take through the API (the rest are the system's or the citizen's). */
export const STAFF_ACTIONS = [
  "accept",
  "start",
  "resolve",
  "transfer",
  "reassign",
  "return",
  "reject",
  "suspend",
  "resume",
  "reopen",
  "close",
  "merge",
  "note",
  "request_extension",
  "approve_extension",
  "refuse_extension",
  "supervise",
] as const satisfies readonly ActionType[];
export type StaffAction = (typeof STAFF_ACTIONS)[number];

const ALLOWED: Record<Role, readonly StaffAction[]> = {
  staff: ["accept", "start", "resolve", "transfer", "return", "suspend", "resume", "note", "request_extension"],
  dispatcher: ["reassign", "reject", "merge", "note"],
  supervisor: [
    "reassign",
    "reject",
    "merge",
    "reopen",
    "close",
    "note",
    "approve_extension",
    "refuse_extension",
    "supervise",
  ],
  analyst: [],
  admin: STAFF_ACTIONS,
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Department staff see only their department's tickets; the other roles see all. */
export function canSee(staff: StaffPrincipal, ticket: { departmentCode: string | null }): boolean {
  return staff.role !== "staff" || (staff.departmentCode !== null && staff.departmentCode === ticket.departmentCode);
}

/** Whether the role may take this action on any ticket it sees (the dispatch and supervision views ask). */
export function roleMay(staff: StaffPrincipal, action: StaffAction): boolean {
  return ALLOWED[staff.role].includes(action);
}

export function canAct(staff: StaffPrincipal, action: StaffAction, ticket: { departmentCode: string | null }): boolean {
  return canSee(staff, ticket) && ALLOWED[staff.role].includes(action);
}

/** The department a listing or KPI query is limited to, whatever the caller asked. */
export function departmentScope(staff: StaffPrincipal): string | undefined {
  return staff.role === "staff" ? (staff.departmentCode ?? "") : undefined;
}

/** The audit-trail actor of a member of staff. */
export function actorOf(staff: StaffPrincipal): string {
  return `staff:${staff.username}`;
}

/** Staff of the handling department need the citizen's phone number; others see it masked. */
export function seesContactDetails(staff: StaffPrincipal, ticket: { departmentCode: string | null }): boolean {
  return staff.role === "staff" && staff.departmentCode === ticket.departmentCode;
}

/**
 * Searching by phone number finds citizens by their contact details: only for those who
 * see the details of every ticket such a search can show (department staff, whose
 * searches are limited to their own department's tickets).
 */
export function mayFindByPhone(staff: StaffPrincipal): boolean {
  return staff.role === "staff" && staff.departmentCode !== null;
}

/**
 * Agents of the hand-off to a person (人工): the dispatch centre, which already answers the
 * 12345 hotline's calls and sees every department's tickets (masked), and admins. Department
 * staff work their own tickets and supervisors oversee; neither sits at the front desk.
 */
export function isHandoffAgent(staff: StaffPrincipal): boolean {
  return staff.role === "dispatcher" || staff.role === "admin";
}

/** The public-opinion hub (民意洞察): analysts, the supervision office and admins read it. */
export function mayReadOpinion(staff: StaffPrincipal): boolean {
  return staff.role === "analyst" || staff.role === "supervisor" || staff.role === "admin";
}

/** Importing history into the opinion hub: analysts and admins. */
export function mayImportOpinion(staff: StaffPrincipal): boolean {
  return staff.role === "analyst" || staff.role === "admin";
}
