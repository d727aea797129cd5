// The staff actions one member of staff may take on one ticket now: the role rules
// (roles.ts) and the state rules of the lifecycle (stateRefusal: statuses, a pending
// extension request, the dispute window). The workbench shows a button only for these,
// and the API refuses the rest through the same two rules.
import { type LifecycleContext, stateRefusal, type TicketState } from "../tickets/lifecycle.ts";
import { canAct, STAFF_ACTIONS, type StaffAction, type StaffPrincipal } from "./roles.ts";

export function allowedActions(
  staff: StaffPrincipal,
  ticket: TicketState,
  ctx: Pick<LifecycleContext, "now" | "reopenWindowDays">,
): StaffAction[] {
  return STAFF_ACTIONS.filter(
    (action) => canAct(staff, action, ticket) && stateRefusal(ticket, action, ctx) === undefined,
  );
}
