// Group commit for the message log. Every answer is recorded durably before it is
// sent, but concurrent answers share one statement (and one disk flush): while a
// write is in flight, new exchanges wait and go together in the next one. A lone
// message is written at once, so latency stays low when traffic is light.
import type { PrismaClient } from "../db/database.ts";
import { type Exchange, type RecordedExchange, recordExchanges } from "./message-log.ts";

const MAX_BATCH = 256;

interface Pending {
  exchange: Exchange;
  resolve: (recorded: RecordedExchange | undefined) => void;
  reject: (error: unknown) => void;
}

export class ExchangeBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly prisma: PrismaClient,
    /** Statements that may run at once (keep below the connection pool size). */
    private readonly maxConcurrentWrites = 2,
  ) {}

  /** Resolves once the exchange is committed; undefined when it was recorded before (a retry). */
  record(exchange: Exchange): Promise<RecordedExchange | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ exchange, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.maxConcurrentWrites) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      settle(batch, await recordExchanges(this.prisma, batch.map((p) => p.exchange)));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad exchange must not fail its neighbours: retry each on its own.
      await Promise.all(
        batch.map(async (pending) => {
          try {
            settle([pending], await recordExchanges(this.prisma, [pending.exchange]));
          } catch (single) {
            pending.reject(single);
          }
        }),
      );
    }
  }
}

function settle(batch: Pending[], recorded: RecordedExchange[]): void {
  const byId = new Map(recorded.map((r) => [r.inboundId, r]));
  for (const pending of batch) pending.resolve(byId.get(pending.exchange.inboundId));
}
