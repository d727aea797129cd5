// What the opinion monitor holds in memory, read at scrape time: hub_opinion_monitor_retained
// {structure} — the entries each of its bounded structures keeps (messages kept as spike
// evidence, as new-matter history, in the burst window, messages whose topic it remembers;
// topics; series and their buckets; open alerts and their message ids) — and hub_opinion_monitor_max_messages, the cap on each
// per-message one (OPINION_MONITOR_MAX_MESSAGES). Only the process holding the monitor's lease
// reports the sizes; the others report the cap alone. A soak watches the sizes level off.
import { Gauge, type Registry } from "prom-client";

/** The monitor's sizes by structure, or undefined while this process does not run it. */
export type RetainedSource = () => Readonly<Record<string, number>> | undefined;

export class OpinionMonitorMetrics {
  private source: { read: RetainedSource; maxMessages: number } | undefined;

  constructor(registry: Registry) {
    const metrics = this;
    new Gauge({
      name: "hub_opinion_monitor_retained",
      help: "Entries the opinion monitor keeps in memory, per structure (in the process that runs it)",
      labelNames: ["structure"],
      registers: [registry],
      collect() {
        this.reset();
        const sizes = metrics.source?.read();
        for (const [structure, size] of Object.entries(sizes ?? {}))
          this.set({ structure: snakeCase(structure) }, size);
      },
    });
    new Gauge({
      name: "hub_opinion_monitor_max_messages",
      help: "The most messages whose detail each of the opinion monitor's structures keeps (OPINION_MONITOR_MAX_MESSAGES)",
      registers: [registry],
      collect() {
        this.reset();
        if (metrics.source) this.set(metrics.source.maxMessages);
      },
    });
  }

  /** Reports this monitor's sizes from now on. */
  observe(read: RetainedSource, maxMessages: number): void {
    this.source = { read, maxMessages };
  }
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
