// Rebuilds every ticket's deadline timers from the database when a worker starts and
// then every few minutes: timers lost with Redis's data (or never set, because a
// process died between its commit and setting them) come back.
import type { Logger } from "../logger.ts";
import type { DeadlineTimers } from "./deadline-timers.ts";

export class TimerReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly timers: DeadlineTimers,
    private readonly log: Logger,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.run();
    this.timer = setInterval(() => this.run(), this.everyMs);
    this.timer.unref();
  }

  /** One pass now (unless one is under way); resolves when it is done. */
  run(): Promise<void> {
    this.running ??= this.timers
      .rebuild()
      .then((checked) => this.log.debug({ checked }, "deadline timers reconciled"))
      .catch((error: unknown) => this.log.warn({ err: error }, "could not reconcile deadline timers; will try again"))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
