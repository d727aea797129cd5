// Makes Redis agree with the database when a worker starts and then every few minutes,
// through the passes it is given (the worker starter's: deadline timers rebuilt, jobs
// lost with Redis's data put back). Each pass must be idempotent.
import type { Logger } from "../logger.ts";
import { RedisOutage } from "./redis-outage.ts";

export interface ReconcilePass {
  name: string;
  /** Does the pass; resolves with what it found, for the log. */
  run(): Promise<unknown>;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly passes: ReconcilePass[],
    private readonly log: Logger,
    private readonly everyMs: number,
    private readonly outage = new RedisOutage(log),
  ) {}

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  /** One round of every pass now (unless one is under way); resolves when it is done. */
  run(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async round(): Promise<void> {
    // One failing pass (Redis down) does not keep the others from running.
    for (const pass of this.passes) {
      try {
        this.log.debug({ pass: pass.name, result: await pass.run() }, "reconciled");
      } catch (error) {
        // Quiet while Redis is known to be down (the outage is logged once, when it starts).
        this.outage.noted(`reconcile ${pass.name}`, error, "could not reconcile; will try again");
      }
    }
  }
}
