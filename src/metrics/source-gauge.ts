// The gauges of one source (Redis, the database) are read when Prometheus scrapes, not on a
// timer, so an idle hub does no work. prom-client collects every metric of a scrape at once,
// so the gauges of one source share one read in flight; and a read waits at most the scrape's
// time bound: a slow Redis costs the scrape its queue figures (hub_metrics_source_up{source=
// "redis"} 0), never the scrape itself.
import { Gauge, type Registry } from "prom-client";
import { withTimeout } from "../queue/with-timeout.ts";

export interface SourceReader<T> {
  readonly source: string;
  /** The source's figures for this scrape, or undefined when it did not answer in time. */
  read(): Promise<T | undefined>;
}

export function sourceReader<T>(source: string, load: () => Promise<T>, timeoutMs: number): SourceReader<T> {
  let inFlight: Promise<T | undefined> | undefined;
  return {
    source,
    read() {
      inFlight ??= withTimeout(load(), timeoutMs, source)
        .catch(() => undefined)
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
}

/** hub_metrics_source_up{source}: 1 when the source answered this scrape in time, else 0. */
export function registerSourceUp(registry: Registry, readers: readonly SourceReader<unknown>[]): void {
  new Gauge({
    name: "hub_metrics_source_up",
    help: "Whether the source answered this scrape within METRICS_SCRAPE_TIMEOUT_MS (1) or not (0)",
    labelNames: ["source"],
    registers: [registry],
    async collect() {
      const answers = await Promise.all(readers.map((r) => r.read()));
      readers.forEach((r, i) => this.set({ source: r.source }, answers[i] === undefined ? 0 : 1));
    },
  });
}
