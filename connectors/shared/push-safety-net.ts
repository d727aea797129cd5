// The safety net under passive replies (see passive-reply.ts): every process with a
// messaging channel looks a few times a second for pushes that are pending past
// their due time — shed under load, or whose claimant died before deciding, or
// promised "later" and died before recording the answer — and hands each to the
// inbound queue as a job keyed on the platform message. The queue keeps it through
// crashes (a worker that dies mid-job has it taken over), and its worker answers
// through the platform's API; running it twice answers once (the pipeline and the
// outbound notices are idempotent on the message).
import { createHash } from "node:crypto";
import type { Queue } from "bullmq";
import type { Logger } from "../../src/logger.ts";
import type { PassiveReplies, QueuedJob } from "../../src/infra/passive-reply.ts";

const BATCH = 200;
const IDLE_POLL_MS = 250;
const ERROR_POLL_MS = 2_000;

/** The inbound queue's job id for a push: a second hand-off of the same message is ignored. */
export function pushJobId(key: string): string {
  return `push-${createHash("sha1").update(key).digest("hex")}`;
}

export class PushSafetyNet {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly passive: PassiveReplies,
    /** Hands jobs to the inbound queue; without one (no Redis queue), runs them here. */
    private readonly handOff: (jobs: { id: string; job: QueuedJob }[]) => Promise<void>,
    private readonly log: Logger,
  ) {}

  static toQueue(queue: Queue): (jobs: { id: string; job: QueuedJob }[]) => Promise<void> {
    return async (jobs) => {
      await queue.addBulk(jobs.map(({ id, job }) => ({ name: job.name, data: job.data, opts: { jobId: id } })));
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(IDLE_POLL_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: hands on everything due now; returns how many pushes it took over. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const taken = await this.passive.takeOverDue(BATCH);
      if (taken.length === 0) return total;
      const orphans = taken.filter((t) => !t.shed);
      if (orphans.length > 0) {
        this.log.warn(
          { keys: orphans.map((t) => t.key) },
          "pushes not answered by the process that took them (it died or stalled): the inbound queue answers them",
        );
      }
      await this.handOff(taken.map(({ key, job }) => ({ id: pushJobId(key), job })));
      // Should this process die before here, the lease runs out and another takes them over again.
      await this.passive.settle(taken.map((t) => t.key));
      total += taken.length;
      if (taken.length < BATCH || this.stopped) return total;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep().then(
        (count) => {
          if (count > 0) this.log.debug({ count }, "pushes handed to the inbound queue");
          this.schedule(IDLE_POLL_MS);
        },
        (error: unknown) => {
          this.log.debug({ err: error }, "cannot look for pending pushes (Redis down?)");
          this.schedule(ERROR_POLL_MS);
        },
      );
    }, ms);
    this.timer.unref();
  }
}
