// Per-category deadlines (限时办结) from intents/case-categories.yaml, as clock budgets.
// A suggestion (建言) has one deadline of its own, whatever its category
// (SUGGESTION_DEADLINE_WORKDAYS); praise runs no clock (src/tickets/lifecycle.ts).
import type { CaseCategory, DeadlineSpec } from "../knowledge/case-rules-schema.ts";
import type { TicketKind } from "../tickets/ticket-kind.ts";
import type { Budget, ClockRules } from "./deadline-clock.ts";

export class DeadlinePolicy {
  private readonly byCategory: Map<string, DeadlineSpec>;

  constructor(
    categories: readonly CaseCategory[],
    private readonly defaultDeadline: DeadlineSpec,
    private readonly transferMinimumShare: number,
    private readonly suggestionDeadline: DeadlineSpec = defaultDeadline,
  ) {
    this.byCategory = new Map(categories.map((c) => [c.code, c.deadline]));
  }

  deadlineOf(category: string | null, kind: TicketKind = "complaint"): DeadlineSpec {
    if (kind === "suggestion") return this.suggestionDeadline;
    return (category && this.byCategory.get(category)) || this.defaultDeadline;
  }

  rulesFor(category: string | null, kind: TicketKind = "complaint"): ClockRules {
    return { budget: budgetOf(this.deadlineOf(category, kind)), transferMinimumShare: this.transferMinimumShare };
  }
}

export function budgetOf(spec: DeadlineSpec): Budget {
  return "workingDays" in spec
    ? { basis: "workdays", seconds: Math.round(spec.workingDays * 24 * 3600) }
    : { basis: "hours", seconds: Math.round(spec.hours * 3600) };
}

/** "3个工作日" or "24小时", as citizens read it. */
export function describeDeadline(spec: DeadlineSpec): string {
  return "workingDays" in spec ? `${spec.workingDays}个工作日` : `${spec.hours}小时`;
}
