// Group commit for the message log. Every answer is recorded durably before it is
// sent, but concurrent answers share one statement (and one disk flush): while a
// write is in flight, new exchanges wait and go together in the next one. A lone
// message is written at once, so latency stays low when traffic is light.
// Complaints, suggestions and praise go the same way: their ticket (first event, routing
// job) is written by the same statement as their message, so a batch of
// complaints costs three statements in all — the answers already given to any of them
// (retries), their ticket numbers, and the write — instead of a transaction each.
import type { PrismaClient } from "../db/database.ts";
import { reserveTicketNumbers } from "../cases/open-ticket.ts";
import { type Exchange, messageKey, recordExchanges, storedOutcomes } from "./message-log.ts";
import type { ConversationOutcome, InboundMessage } from "../messages/messages.ts";

const MAX_BATCH = 256;

/** An exchange to record, built once its ticket number (if it needs one) is known. */
export interface ExchangeDraft {
  message: InboundMessage;
  /** It files something (a ticket): a retry gets the stored answer and files nothing. */
  files?: boolean;
  /** It opens a ticket, so it needs a ticket number. */
  numbered?: boolean;
  build(ticketNumber: string | undefined): Exchange;
}

export interface BatcherOptions {
  timeZone: string;
  /** Called after a batch that wrote routing jobs was committed, so they are relayed at once. */
  onOutboxWritten?: () => void;
  /** Statements that may run at once (keep below the connection pool size). */
  maxConcurrentWrites?: number;
}

interface Pending {
  draft: ExchangeDraft;
  resolve: (outcome: ConversationOutcome | undefined) => void;
  reject: (error: unknown) => void;
}

export class ExchangeBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: BatcherOptions,
  ) {}

  /**
   * Resolves once the exchange is committed, with the outcome to send: the new one, or
   * the one stored for a retry (duplicate: true). Undefined when a concurrent retry of
   * the same message was recorded first: its caller reads the stored answer.
   */
  record(draft: ExchangeDraft): Promise<ConversationOutcome | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < (this.options.maxConcurrentWrites ?? 2)) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.write(batch)
        .catch((error: unknown) => batch.forEach((p) => p.reject(error)))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    // Retries of messages that file something are answered as before, without any work.
    const earlier = await storedOutcomes(
      this.prisma,
      batch.filter((p) => p.draft.files).map((p) => p.draft.message),
    );
    const fresh: Pending[] = [];
    for (const pending of batch) {
      const stored = pending.draft.files ? earlier.get(messageKey(pending.draft.message)) : undefined;
      if (stored) pending.resolve(stored);
      else fresh.push(pending);
    }
    const numbered = fresh.filter((p) => p.draft.numbered);
    const numbers =
      numbered.length > 0
        ? await reserveTicketNumbers(
            this.prisma,
            this.options.timeZone,
            numbered.map((p) => p.draft.message.receivedAt),
          )
        : [];
    const numberOf = new Map(numbered.map((p, i) => [p, numbers[i]]));
    const built = fresh.map((pending) => ({ pending, exchange: pending.draft.build(numberOf.get(pending)) }));
    if (built.length === 0) return;

    try {
      this.settle(
        built,
        await recordExchanges(
          this.prisma,
          built.map((b) => b.exchange),
        ),
      );
    } catch (error) {
      if (built.length === 1) return built[0]!.pending.reject(error);
      // One bad exchange must not fail its neighbours: retry each on its own.
      await Promise.all(
        built.map(async (one) => {
          try {
            this.settle([one], await recordExchanges(this.prisma, [one.exchange]));
          } catch (single) {
            one.pending.reject(single);
          }
        }),
      );
    }
  }

  private settle(built: { pending: Pending; exchange: Exchange }[], recorded: { inboundId: string }[]): void {
    const written = new Set(recorded.map((r) => r.inboundId));
    let routingJobs = false;
    for (const { pending, exchange } of built) {
      const ok = written.has(exchange.inboundId);
      if (ok && exchange.ticket) routingJobs = true;
      pending.resolve(ok ? exchange.outcome : undefined);
    }
    if (routingJobs) this.options.onOutboxWritten?.();
  }
}
