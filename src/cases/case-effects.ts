// What a ticket's transition causes beyond the ticket: a progress notice to the
// citizen on their channel (through the notifier, in the same transaction), notices
// to staff (reminders, 督办, reviews), and after the commit the deadline timers.
import type { Reply } from "../messages/messages.ts";
import type { Ticket } from "../generated/prisma/client.ts";
import type { Tx } from "../db/transaction.ts";
import type { Logger } from "../logger.ts";
import { notify, speaksFirstOn } from "../outbound/notifier.ts";
import { queueRatingAnalysis } from "../opinion/opinion-job.ts";
import { withTimeout } from "../queue/with-timeout.ts";
import type { CitizenNotice, StaffAlert } from "../tickets/lifecycle.ts";
import { RATING_LABELS } from "../tickets/rating.ts";
import { isSuggestionVerdict } from "../tickets/suggestion-verdict.ts";
import { kindOf } from "../tickets/ticket-kind.ts";
import type { ActionEffects, Applied } from "./ticket-actions.ts";
import { logTransitions } from "./ticket-event-log.ts";
import { citizenNoticeText, formatLocalTime, ratingQuickReplies, staffNoticeText } from "./notice-text.ts";

// Setting timers must not hold up the action's caller while Redis is down.
const TIMER_CALL_TIMEOUT_MS = 3_000;

export interface TimerScheduler {
  /** Brings the tickets' delayed jobs in line with these (just written) rows. */
  syncRows(tickets: Ticket[]): Promise<void>;
  /** Sets the timers of tickets that had none (just routed). */
  addFirst(tickets: Ticket[]): Promise<void>;
}

export interface CaseEffectsDeps {
  departmentName(code: string | null): string;
  hotline: string;
  timeZone: string;
  onOutboxWritten(): void;
  log: Logger;
  timers: TimerScheduler;
}

export class CaseEffects implements ActionEffects {
  constructor(private readonly deps: CaseEffectsDeps) {}

  async inTransaction(tx: Tx, applied: Applied): Promise<void> {
    const { transition } = applied;
    if (transition.citizenNotice) await this.noticeToCitizen(tx, applied, transition.citizenNotice);
    if (transition.staffAlert) await this.alertStaff(tx, applied, transition.staffAlert);
    // A rating's comment is what the citizen thinks of the service: the opinion hub reads it.
    const { ratingComment, ratedAt } = transition.changes;
    if (ratingComment && ratedAt instanceof Date)
      await queueRatingAnalysis(tx, { ticketId: applied.ticket.id, ratedAt: ratedAt.toISOString() });
  }

  async afterCommit(applied: Applied[]): Promise<void> {
    logTransitions(this.deps.log, applied);
    if (applied.some((a) => a.transition.citizenNotice)) this.deps.onOutboxWritten();
    // Each ticket's latest row; tickets leaving "submitted" have no timers yet.
    const latest = new Map<string, { ticket: Ticket; first: boolean }>();
    for (const a of applied) {
      const seen = latest.get(a.ticket.id);
      latest.set(a.ticket.id, { ticket: a.ticket, first: seen ? seen.first : a.transition.from === "submitted" });
    }
    const rows = [...latest.values()];
    try {
      await withTimeout(
        Promise.all([
          this.deps.timers.addFirst(rows.filter((r) => r.first).map((r) => r.ticket)),
          this.deps.timers.syncRows(rows.filter((r) => !r.first).map((r) => r.ticket)),
        ]),
        TIMER_CALL_TIMEOUT_MS,
        "Redis",
      );
    } catch (error) {
      // The timers are rebuilt from the database on the next reconcile; the change itself is committed.
      this.deps.log.warn(
        { err: error, ticketIds: [...latest.keys()] },
        "could not update deadline timers now; the next reconcile will",
      );
    }
  }

  private async noticeToCitizen(tx: Tx, { ticket, transition, actor }: Applied, kind: CitizenNotice): Promise<void> {
    // Other intake (Open311) is polled by its client: no notice.
    if (!speaksFirstOn(ticket.channel)) return;
    // What the citizen did themselves is confirmed in the chat reply, not in a second message.
    if (actor === `citizen:${ticket.channel}`) return;
    const data = transition.event.data as { parentNumber?: string; reply?: string };
    const text = citizenNoticeText[kind]({
      number: ticket.number,
      departmentName: this.deps.departmentName(ticket.departmentCode),
      hotline: this.deps.hotline,
      note: transition.event.note,
      reply: kind === "parent_resolved" ? (data.reply ?? null) : ticket.resolution,
      parentNumber: data.parentNumber,
      kind: kindOf(ticket.kind),
      verdict: ticket.verdict && isSuggestionVerdict(ticket.verdict) ? ticket.verdict : null,
    });
    const reply: Reply =
      kind === "resolved" ? { type: "text", text, quickReplies: ratingQuickReplies() } : { type: "text", text };
    await notify(tx, {
      channel: ticket.channel,
      channelUserId: ticket.channelUserId,
      replies: [reply],
      reason: `ticket:${ticket.number}:${kind}`,
      // A ticket may be accepted (or resolved) again after a reopen: one notice per version.
      dedupeKey: `ticket:${ticket.number}:${kind}:v${ticket.version}`,
    });
  }

  private async alertStaff(tx: Tx, { ticket, transition }: Applied, alert: StaffAlert): Promise<void> {
    const deadline = ticket.deadlineAt ? formatLocalTime(ticket.deadlineAt, this.deps.timeZone) : "—";
    const department = `department:${ticket.departmentCode ?? ""}`;
    const notices: { audience: string; text: string }[] = [];
    if (alert === "reminder") {
      const percent = Number((transition.event.data as { percent?: number }).percent ?? 0);
      notices.push({ audience: department, text: staffNoticeText.reminder(ticket.number, percent, deadline) });
    } else if (alert === "overdue") {
      const text = staffNoticeText.overdue(ticket.number, this.deps.departmentName(ticket.departmentCode), deadline);
      notices.push({ audience: department, text }, { audience: "role:supervisor", text });
    } else if (alert === "supervision") {
      // 督办 goes to the handling department (the dispatch desk while none holds it); the note is the reason.
      notices.push({
        audience: ticket.departmentCode ? department : "role:dispatcher",
        text: staffNoticeText.supervision(ticket.number, transition.event.note ?? "", deadline),
      });
    } else {
      notices.push({
        audience: "role:supervisor",
        text: staffNoticeText.review(ticket.number, RATING_LABELS[ticket.rating ?? 0] ?? ""),
      });
    }
    await tx.staffNotice.createMany({
      data: notices.map((n) => ({
        ...n,
        ticketId: ticket.id,
        kind: alert,
        dedupeKey: `${ticket.id}:${alert}:${n.audience}:v${ticket.version}`,
      })),
      skipDuplicates: true,
    });
  }
}
