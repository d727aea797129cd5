// What this process's queue workers did: jobs completed, attempts failed (a job retried
// three times and then given up counts three), jobs stalled (a worker stopped answering
// and another took the job over). Counters: Prometheus takes the rate.
import { Counter, type Registry } from "prom-client";

/** The events of a BullMQ Worker this reads. */
export interface ObservedWorker {
  readonly name: string;
  on(event: "completed" | "failed" | "stalled", listener: (...args: never[]) => void): unknown;
}

export class WorkerMetrics {
  private readonly completed: Counter<"queue">;
  private readonly failed: Counter<"queue">;
  private readonly stalled: Counter<"queue">;

  constructor(registry: Registry) {
    const counter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ["queue"], registers: [registry] });
    this.completed = counter("hub_queue_jobs_completed_total", "Jobs this process's workers completed");
    this.failed = counter("hub_queue_jobs_failed_total", "Job attempts that failed in this process's workers");
    this.stalled = counter("hub_queue_jobs_stalled_total", "Jobs that stalled (their worker stopped answering)");
  }

  /** Counts the workers' jobs from now on. */
  observe(workers: readonly ObservedWorker[]): void {
    for (const worker of workers) {
      const queue = worker.name;
      // Zero from the start, so a rate exists before the first failure.
      for (const c of [this.completed, this.failed, this.stalled]) c.inc({ queue }, 0);
      worker.on("completed", () => this.completed.inc({ queue }));
      worker.on("failed", () => this.failed.inc({ queue }));
      worker.on("stalled", () => this.stalled.inc({ queue }));
    }
  }
}
