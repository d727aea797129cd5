// The read side of the transactional outbox: moves recorded jobs into BullMQ.
// Several processes may relay at once; jobId = business id makes that harmless.
import type { Queue } from "bullmq";
import type { PrismaClient } from "../db/database.ts";
import type { OutboxEntry } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import type { QueueName } from "./queue-names.ts";
import { RedisOutage } from "./redis-outage.ts";
import { withTimeout } from "./with-timeout.ts";

const BATCH_SIZE = 200;
// Give up on a queue call after this and try again later (the rows stay in the outbox).
const QUEUE_CALL_TIMEOUT_MS = 5_000;
// While Redis is down the relay fails every poll: the outage is logged when it starts and ends, not per poll.
const PART = "outbox relay";

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private started = false;
  /** What fails now: the queue (Redis; the outage log reports it) or the database (logged here). */
  private failing: { since: number; what: "queue" | "database" } | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queues: ReadonlyMap<QueueName, Queue>,
    private readonly log: Logger,
    private readonly pollMs = 1_000,
    private readonly outage = new RedisOutage(log),
  ) {}

  start(): void {
    this.started = true;
    this.timer ??= setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Relays soon; never blocks the caller. Kicks during a run coalesce into one more run. */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.flush()
      .then((delivered) => {
        if (this.failing?.what === "database")
          this.log.info({ delivered, downForMs: Date.now() - this.failing.since }, "outbox relay recovered");
        // An empty outbox says nothing about Redis, unless this relay's own rows were relayed meanwhile.
        if (delivered > 0 || this.failing?.what === "queue") this.outage.succeeded(PART);
        this.failing = undefined;
        return delivered;
      })
      .catch((error: unknown) => {
        if (error instanceof QueueCallFailed) {
          this.failing = { since: this.failing?.since ?? Date.now(), what: "queue" };
          this.outage.failed(PART, error.cause);
        } else {
          if (this.failing?.what !== "database")
            this.log.warn({ err: error }, "outbox relay cannot read the outbox; it retries every poll");
          this.failing = { since: this.failing?.since ?? Date.now(), what: "database" };
        }
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Delivers pending entries; returns how many. Each batch goes to Redis in one round
   * trip per queue (addBulk) and is marked delivered in one statement per queue. Stops
   * after a batch with a failure (Redis down); a batch half added is added again later,
   * harmlessly (jobId = business id).
   */
  async flush(): Promise<number> {
    let delivered = 0;
    for (;;) {
      // Plain SQL: this runs after every committed batch of complaints, and a model call costs several times more CPU.
      const batch = await this.prisma.$queryRaw<Pick<OutboxEntry, "id" | "queue" | "jobName" | "jobId" | "payload">[]>`
        SELECT "id", "queue", "jobName", "jobId", "payload" FROM "OutboxEntry"
        WHERE "deliveredAt" IS NULL ORDER BY "createdAt" LIMIT ${BATCH_SIZE}`;
      if (batch.length === 0) return delivered;
      const byQueue = new Map<string, typeof batch>();
      for (const entry of batch) byQueue.set(entry.queue, [...(byQueue.get(entry.queue) ?? []), entry]);
      // Each queue on its own and at once: one queue refusing (Redis down, or a queue this
      // process lacks) never holds back another's jobs, and an outage costs one timeout, not one per queue.
      const results = await Promise.all([...byQueue].map(([name, entries]) => this.relay(name, entries)));
      delivered += results.reduce<number>((sum, n) => sum + (typeof n === "number" ? n : 0), 0);
      const failed = results.find((n): n is QueueCallFailed => n instanceof QueueCallFailed);
      if (failed) throw failed;
      // A short batch was all there was; entries committed since then kick another run.
      if (batch.length < BATCH_SIZE) return delivered;
    }
  }

  /** Adds one queue's entries in one round trip; answers how many, or the failure (recorded on the rows). */
  private async relay(
    name: string,
    entries: Pick<OutboxEntry, "id" | "jobName" | "jobId" | "payload">[],
  ): Promise<number | QueueCallFailed> {
    const ids = entries.map((e) => e.id);
    const queue = this.queues.get(name as QueueName);
    try {
      if (!queue) throw new Error(`no queue named "${name}"`);
      await withTimeout(
        queue.addBulk(entries.map((e) => ({ name: e.jobName, data: e.payload, opts: { jobId: e.jobId } }))),
        QUEUE_CALL_TIMEOUT_MS,
      );
    } catch (error) {
      const lastError = String((error as Error).message ?? error).slice(0, 500);
      await this.prisma.$executeRaw`
        UPDATE "OutboxEntry" SET "attempts" = "attempts" + 1, "lastError" = ${lastError} WHERE "id" = ANY(${ids}::text[])`;
      return new QueueCallFailed(error);
    }
    await this.prisma
      .$executeRaw`UPDATE "OutboxEntry" SET "deliveredAt" = ${new Date()} WHERE "id" = ANY(${ids}::text[])`;
    return entries.length;
  }

  /** Stops polling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.again = false;
    await this.running;
  }

  async pending(): Promise<number> {
    return this.prisma.outboxEntry.count({ where: { deliveredAt: null } });
  }
}

/** The queue (Redis) refused or did not answer; the rows stay in the outbox. */
class QueueCallFailed extends Error {
  constructor(override readonly cause: unknown) {
    super("the queue did not take the outbox's jobs");
  }
}
