// What a ticket must look like according to its own history. Every lifecycle event
// records the state it leads to (data.to) and what it changed (department, parent,
// category, deadline), so the ticket row can be checked against its events.
import type { StoredEvent } from "./event-chain.ts";

export interface ReplayedTicket {
  status: string | null;
  /** undefined: no event said. */
  departmentCode?: string | null;
  parentId?: string | null;
  category?: string | null;
  deadlineAt?: string | null;
  number?: string;
  textSha256?: string;
}

// Events written before the lifecycle recorded data.to.
const LEGACY_STATUS: Record<string, string> = { created: "submitted", assigned: "assigned" };

export function replayEvents(events: readonly Pick<StoredEvent, "type" | "data">[]): ReplayedTicket {
  const state: ReplayedTicket = { status: null };
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (typeof data.to === "string") state.status = data.to;
    else if (LEGACY_STATUS[event.type]) state.status = LEGACY_STATUS[event.type]!;
    if ("departmentCode" in data) state.departmentCode = data.departmentCode as string | null;
    if ("parentId" in data) state.parentId = data.parentId as string | null;
    if ("category" in data) state.category = data.category as string | null;
    if ("deadlineAt" in data) state.deadlineAt = data.deadlineAt as string | null;
    // An approved extension (批准延期) moves the deadline to the date granted; its event
    // records old and new deadline (and deadlineAt, where the clock put it, read above).
    else if (event.type === "extension_approved" && typeof data.newDeadlineAt === "string")
      state.deadlineAt = data.newDeadlineAt;
    if (event.type === "created") {
      if (typeof data.number === "string") state.number = data.number;
      if (typeof data.textSha256 === "string") state.textSha256 = data.textSha256;
    }
  }
  return state;
}
