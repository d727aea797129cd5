// The deadline clock (限时办结) of one ticket, as plain data and pure functions.
//
// A clock has a budget (working time for deadlines in working days, wall time for
// deadlines in hours), the part of it used in earlier running spells, and the start of
// the current spell (null while paused or stopped). The deadline is where the budget
// runs out if the clock keeps running. The rules, applied per lifecycle action:
// - assign: a new clock with the category's budget;
// - transfer (转办), return (退单), reassign: the clock keeps running — the citizen has
//   waited regardless of who holds the ticket — but the new holder gets at least
//   `transferMinimumShare` of the budget: if less is left, the budget grows to leave that;
// - suspend (挂起): paused; resume: runs again from where it stopped;
// - resolve, reject, merge: stopped;
// - reopen: a new clock with a fresh budget;
// - extension approved (批准延期): the deadline moves to the date granted, and the
//   budget becomes the time used so far plus the time from now to that date, so a
//   later pause and resume still end on the granted deadline (less the paused time).
import type { ClockOp } from "../tickets/lifecycle.ts";
import type { WorkingCalendar } from "../calendar/working-calendar.ts";

export type DueBasis = "workdays" | "hours";

export interface Budget {
  basis: DueBasis;
  seconds: number;
}

export interface ClockState {
  deadlineAt: Date | null;
  dueBasis: string | null;
  dueBudgetSeconds: number | null;
  dueUsedSeconds: number;
  dueRunningSince: Date | null;
}

export interface ClockRules {
  /** Budget of a ticket's category, for a new clock. */
  budget: Budget;
  /** Share of the budget a new holder gets at least after a transfer (0 … 1). */
  transferMinimumShare: number;
}

export class DeadlineClock {
  constructor(private readonly calendar: WorkingCalendar) {}

  /** Time counted against the budget between two instants, in seconds. */
  elapsedSeconds(basis: DueBasis, from: Date, to: Date): number {
    const ms =
      basis === "workdays" ? this.calendar.workingTimeBetween(from, to) : Math.max(0, to.getTime() - from.getTime());
    return Math.floor(ms / 1000);
  }

  /** The instant `seconds` of budget after `from`. */
  after(basis: DueBasis, from: Date, seconds: number): Date {
    const ms = Math.max(0, seconds) * 1000;
    return basis === "workdays" ? this.calendar.addWorkingTime(from, ms) : new Date(from.getTime() + ms);
  }

  /** Budget used so far, including the running spell. */
  usedSeconds(state: ClockState, now: Date): number {
    const basis = state.dueBasis as DueBasis | null;
    if (!basis || !state.dueRunningSince) return state.dueUsedSeconds;
    return state.dueUsedSeconds + this.elapsedSeconds(basis, state.dueRunningSince, now);
  }

  /** When the budget reaches `share` of itself while the clock runs; undefined if it is not running. */
  pointAt(state: ClockState, share: number): Date | undefined {
    const basis = state.dueBasis as DueBasis | null;
    if (!basis || !state.dueRunningSince || state.dueBudgetSeconds === null) return undefined;
    return this.after(basis, state.dueRunningSince, Math.ceil(state.dueBudgetSeconds * share) - state.dueUsedSeconds);
  }

  apply(op: ClockOp, state: ClockState, now: Date, rules: ClockRules, deadlineTo?: Date): ClockState {
    switch (op) {
      case "extend": {
        const basis = state.dueBasis as DueBasis | null;
        if (!deadlineTo || !basis || state.dueBudgetSeconds === null) return state;
        const used = this.usedSeconds(state, now);
        const budget = used + this.elapsedSeconds(basis, now, deadlineTo);
        const running = this.running({ ...state, dueBudgetSeconds: budget, dueUsedSeconds: used }, now);
        // Exactly the date granted (the budget is counted in whole seconds).
        return running.dueRunningSince ? { ...running, deadlineAt: deadlineTo } : running;
      }
      case "none":
        return state;
      case "start":
      case "restart":
        return this.running(
          { ...state, dueBasis: rules.budget.basis, dueBudgetSeconds: rules.budget.seconds, dueUsedSeconds: 0 },
          now,
        );
      case "keep": {
        if (!state.dueRunningSince || state.dueBudgetSeconds === null) return state;
        const used = this.usedSeconds(state, now);
        const minimumLeft = Math.ceil(state.dueBudgetSeconds * rules.transferMinimumShare);
        const budget = Math.max(state.dueBudgetSeconds, used + minimumLeft);
        return this.running({ ...state, dueBudgetSeconds: budget, dueUsedSeconds: used }, now);
      }
      case "pause":
      case "stop":
        if (!state.dueRunningSince) return state;
        return { ...state, dueUsedSeconds: this.usedSeconds(state, now), dueRunningSince: null };
      case "resume":
        if (state.dueRunningSince || state.dueBudgetSeconds === null) return state;
        return this.running(state, now);
    }
  }

  /** A running clock from `now`, with its deadline. */
  private running(state: ClockState, now: Date): ClockState {
    const basis = state.dueBasis as DueBasis;
    const left = (state.dueBudgetSeconds ?? 0) - state.dueUsedSeconds;
    return { ...state, dueRunningSince: now, deadlineAt: this.after(basis, now, left) };
  }
}
