// The rules of a hand-off to a person (人工), as a pure decision table like the ticket
// lifecycle: which state a request, a pick-up, a timeout or a hand-back leads to, what
// the conversation context remembers meanwhile, and whether an agent may still write to
// the citizen on their channel. No I/O; handoff-desk.ts and agent-desk.ts apply it.
//
//   人工 ──in hours──► waiting ──pick up──► active ──hand back──► closed
//     │                  │                    ▲
//     └─out of hours─► message (留言) ◄─timeout┘ (nobody picked up)
//                        │   └──人工 again, in hours──► waiting
//                        └──pick up (answer the 留言)──► active
export const HANDOFF_STATUSES = ["waiting", "active", "message", "closed"] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

export type HandoffEvent = "pick_up" | "timeout" | "hand_back" | "reply" | "file_ticket";

/** From which states each event is allowed; the one state it leads to (undefined: stays). */
const TABLE: Record<HandoffEvent, { from: readonly HandoffStatus[]; to?: HandoffStatus }> = {
  pick_up: { from: ["waiting", "message"], to: "active" },
  timeout: { from: ["waiting"], to: "message" },
  hand_back: { from: ["active"], to: "closed" },
  reply: { from: ["active"] },
  file_ticket: { from: ["active"] },
};

export function allowedFrom(event: HandoffEvent): readonly HandoffStatus[] {
  return TABLE[event].from;
}

export function nextStatus(event: HandoffEvent, from: HandoffStatus): HandoffStatus | undefined {
  const rule = TABLE[event];
  if (!rule.from.includes(from)) return undefined;
  return rule.to ?? from;
}

/** A request for a person: a new wait when agents answer now, else a 留言 for the next agent. */
export function requestedStatus(open: boolean): "waiting" | "message" {
  return open ? "waiting" : "message";
}

/** The one agent queue so far (HANDOFF_HOURS are its hours). */
export const DEFAULT_QUEUE = "general";

/**
 * What the conversation context keeps about a hand-off: while `waiting` or `active` every
 * message of the citizen goes to the agent, not the bot; after `message` the citizen's
 * next message is kept as their 留言, and the bot answers again.
 */
export interface HandoffMark {
  id: string;
  status: "waiting" | "active" | "message";
}

export function parseHandoffMark(value: unknown): HandoffMark | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { id, status } = value as Record<string, unknown>;
  if (typeof id !== "string" || (status !== "waiting" && status !== "active" && status !== "message")) return undefined;
  return { id, status };
}

/** Whether the bot stays silent for this conversation (the agent has it, or will). */
export function heldForAgent(mark: HandoffMark | undefined): boolean {
  return mark?.status === "waiting" || mark?.status === "active";
}

/**
 * Whether an agent may still write to the citizen: platforms that allow replies only for
 * a while after the citizen's last message (WeChat customer-service messages: 48 hours)
 * say how long (ChannelSender.replyWindowHours); web chat keeps every reply for the page.
 */
export function replyWindow(
  windowHours: number | undefined,
  lastCitizenMessageAt: Date | undefined,
  now: Date,
): { open: boolean; closesAt?: Date } {
  if (windowHours === undefined) return { open: true };
  if (!lastCitizenMessageAt) return { open: false };
  const closesAt = new Date(lastCitizenMessageAt.getTime() + windowHours * 3600_000);
  return { open: now.getTime() < closesAt.getTime(), closesAt };
}
