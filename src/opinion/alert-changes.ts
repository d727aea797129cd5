// Which alert changes are delivered: an alert opened, its level raised, or closed — decided
// against the alert as stored before the write, not against the monitor's own history. So a
// replay (a takeover, an import of history, long after the fact, when the queue no longer
// remembers the job ids) sends nothing that the stored row already says.
import { ALERT_LEVELS, type AlertLevel } from "./alert-settings.ts";

export type DeliveredChange = "opened" | "raised" | "closed";

export interface AlertDelivery {
  alertId: string;
  change: DeliveredChange;
  level: AlertLevel;
}

export interface StoredAlertState {
  status: string;
  level: string;
}

/** The changes from `before` (undefined: not stored yet) to `after` worth delivering, in order. */
export function alertChanges(
  alertId: string,
  before: StoredAlertState | undefined,
  after: { status: "open" | "closed"; level: AlertLevel },
): AlertDelivery[] {
  const changes: AlertDelivery[] = [];
  const rank = (level: string) => ALERT_LEVELS.indexOf(level as AlertLevel);
  if (!before) changes.push({ alertId, change: "opened", level: after.level });
  else if (rank(after.level) > rank(before.level)) changes.push({ alertId, change: "raised", level: after.level });
  if (after.status === "closed" && before?.status !== "closed")
    changes.push({ alertId, change: "closed", level: after.level });
  return changes;
}
